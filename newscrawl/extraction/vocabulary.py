"""The boilerplate vocabulary, in one place: the words that mark what is not article text.

Page furniture by tag and by class/id name (read by :mod:`~newscrawl.extraction.boilerplate`
to prune a parsed page), the labels of furniture lines, and the comment-section headings,
form hints and prompts that :mod:`~newscrawl.extraction.processors` cuts from a body's text.
Several languages each; add a word here, and a test or golden fixture that needs it.
"""

from __future__ import annotations

import re

# Elements that never carry article prose (h1 is the headline, kept apart from the body).
JUNK_TAGS = (
    "script", "style", "noscript", "template", "svg", "math", "iframe", "object", "embed",
    "canvas", "video", "audio", "map", "button", "select", "textarea", "input", "h1",
)
# Elements that usually are furniture, unless they wrap most of the page.
FURNITURE_TAGS = ("nav", "footer", "aside", "form", "dialog", "menu", "figcaption", "label")
# class/id vocabulary of furniture, several languages, matched on the lower-cased value
# with camelCase split by "-": stems match the start of a name part (parts are split on
# spaces, "-" and "_"), words must end a class token, ad parts must be a whole part.
FURNITURE_STEMS = (
    "comment(?!ary)|kommentar|commentaire|comentario|commento|disqus|replies"
    "|share|sharing|social|teilen|partager|compartir|condividi"
    "|related|relacionad|correlat|verwandt|recommend|empfehl|lesetipp|readmore"
    "|newsletter|subscri|signup|abonn|promo|sponsor|advert|adsense|adslot|adsbygoogle"
    "|anzeige|werbung|publicite|publicidad|pubblicit|outbrain|taboola"
    "|breadcrumb|cookie|consent|gdpr|popup|navbar|navigation|pagination"
    "|byline|caption|copyright|meistgelesen|trending|footer|sidebar|author|infobox|factbox"
    "|carousel|slideshow|gallery|galerie|galeria|galleria|diashow|bilderstrecke|lightbox"
    "|disclaimer|meta|whatsapp"
)
# Ad slots are named "ad", "ads", or "ad-"/"ad_" something ("ad-slot", "ad_container").
AD_PARTS = "ad|ads"
FURNITURE_WORDS = (
    "nav|menu|toolbar|pager|tags|tag-list|keywords|credit|credits"
    "|popular|modal|respond|widgets"
)
# Classes that hide an element: whole class tokens, token endings, and screen-reader-only
# words anywhere in a token.
HIDDEN_TOKENS = "hidden|hide|d-none|is-hidden"
# The lookbehind follows "sr-only" so that the pattern starts with a letter (see boilerplate).
HIDDEN_PARTS = r"--hid(?:den|e)(?!\S)|sr-only(?<!not-sr-only)|screen-?reader|visually-?hidden|offscreen"
# class/id words of the article text itself; they protect an element from pruning.
ARTICLE_NAMES = re.compile(r"(?:article|story|entry|post|news|main)[-_]?(?:body|content|text)")
# class/id words of a lead (standfirst, teaser) paragraph; must be a whole name part.
LEAD_NAMES = re.compile(
    r"(?:^|[\s_-])(?:lead|lede|intro|teaser|summary|standfirst|excerpt|abstract"
    r"|einleitung|vorspann|chapo|chapeau|perex|entradilla|bajada)(?=$|[\s_-])"
)
# Lines that label furniture (an ad slot, a list of links, the comments), several languages,
# matched whole, case-folded, without trailing punctuation.
FURNITURE_LABELS = frozenset((
    "ad", "ads", "advert", "advertisement", "sponsored", "anzeige", "werbung", "reklame",
    "reklam", "reklama", "publicité", "publicidad", "publicidade", "pubblicità", "advertentie",
    "read more", "read also", "see also", "related", "related articles", "related stories",
    "more on this", "you may also like", "don't miss", "also read", "mehr zum thema",
    "auch interessant", "lesen sie auch", "das könnte sie auch interessieren", "lire aussi",
    "à lire aussi", "voir aussi", "lee también", "leer más", "te puede interesar", "leggi anche",
    "související témata", "související články", "čtěte také",
    "table of contents", "contents", "in this article", "on this page", "inhaltsverzeichnis",
    "sommaire", "table des matières", "índice", "indice", "tabla de contenidos",
))  # not "Comments": processors.clean_body cuts the comment section from that line on
LABEL_END = " :.…»›>|-–—"
# A line that only stamps the article: its reading time, or a date or byline label left
# without its value (the name was a link) or with a date alone. Matched on the case-folded
# line stripped of LABEL_END.
STAMP_LINE = re.compile(
    r"(?:(?:estimated )?reading time:?\s*)?\d+\s*(?:-\s*\d+\s*)?min(?:ute)?s?\.?\s+read"
    r"|(?:estimated )?reading time(?::?\s*\d+\s*min(?:ute)?s?)?"
    r"|(?:posted|published|updated|last updated|last modified)(?: on| by)?"
    r"(?::?\s+(?:[a-z]+\.? \d{1,2}(?:st|nd|rd|th)?,? \d{4}|\d{1,2}[./ ][a-z0-9]+\.?[./ ]\d{2,4}))?"
    r"|by"
)
# A paragraph that is only the heading of a comment section: it and all after it go.
COMMENT_SECTION_START = re.compile(
    r"^(?:\d+\s+)?(?:leave a (?:reply|comment)|post a comment|add (?:new|a) comment|"
    r"(?:\d+\s+)?(?:comments?|responses?|replies|kommentare|commentaires|comentarios|commenti)"
    r"(?: to .{1,200})?|"
    r"deja (?:una respuesta|un comentario)|laisser un commentaire|laisser une réponse|"
    r"schreibe einen kommentar|hinterlasse einen kommentar|kommentar (?:verfassen|schreiben)|"
    r"lascia un commento|lascia una risposta|deixe (?:um comentário|uma resposta)|"
    r"geef een reactie|laat een reactie achter|cancel reply)\s*[:.!]?\s*"
    r"(?:cancel reply|cancelar respuesta|annuler la réponse|antworten abbrechen)?$",
    re.IGNORECASE,
)
# Paragraphs that are form hints or widget prompts wherever they stand.
COMMENT_FORM_HINT = re.compile(
    r"^(?:your email address will not be published|required fields are marked|"
    r"you may use these (?:html )?tags and attributes|"
    r"tu dirección de correo electrónico no será publicada|"
    r"puedes usar las siguientes etiquetas y atributos html|"
    r"votre adresse (?:e-mail|de messagerie|email) ne sera pas publiée|"
    r"vous pouvez utiliser ces balises et attributs html|"
    r"(?:deine|ihre) e-mail-adresse wird nicht veröffentlicht|"
    r"du kannst folgende html-tags und -attribute verwenden|"
    r"il tuo indirizzo email non sarà pubblicato|o seu endereço de e?-?mail não será publicado|"
    r"je e-mailadres wordt niet gepubliceerd|"
    r"save my name, email, and website in this browser|notify me of (?:follow-up comments|new posts)|"
    r"this site uses akismet to reduce spam|please enable javascript to view the comments|"
    r"comments powered by disqus|log in or register to post comments|"
    r"subscribe to: post comments|newer post older post home)",
    re.IGNORECASE,
)
# Short prompts: share buttons, newsletter sign-ups, "read more" boxes, ad labels.
PROMPT = re.compile(
    r"^(?:share (?:this|on|via)\b|share:|click to share|follow us on|"
    r"sign up for (?:our|the) .{0,40}newsletter|subscribe to (?:our|the) .{0,40}newsletter|"
    r"(?:advertisement|anzeige|publicidad|publicité|werbung)\b)",
    re.IGNORECASE,
)
# A cookie consent banner, at any length: never article text, wherever it stands.
CONSENT_NOTICE = re.compile(
    r"^(?:(?:this|our) (?:web)?site uses cookies|we use (?:\w+ ){0,3}cookies|"
    r"the cookie settings on this|by (?:clicking|continuing|using)\b.{0,80}\bcookies|"
    r"(?:diese|unsere) (?:web)?seite (?:verwendet|nutzt) cookies|wir (?:verwenden|nutzen) cookies|"
    r"ce site utilise des cookies|nous utilisons des cookies|"
    r"este sitio (?:web )?utiliza cookies|utilizamos cookies|questo sito utilizza (?:i )?cookie)",
    re.IGNORECASE,
)
# A call to subscribe or follow, found anywhere in a short last paragraph: the site's, not the
# article's (several languages).
CLOSING_CALL = re.compile(
    r"\b(?:sign(?:ing)? up|sign-up|subscribe|subscription|abonnieren|anmelden|abonnez|"
    r"inscr[ií]be|suscr[ií]be|iscriviti|follow (?:us|\w+(?: \w+){0,4}) on (?:facebook|twitter|x|"
    r"instagram|google news|linkedin)|(?:straight |directly )?(?:to|in|into|through) your "
    r"(?:inbox|letterbox|mailbox))\b",
    re.IGNORECASE,
)
