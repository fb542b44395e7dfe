"""Small pure text processors that the item loader wires per record field.

Each takes one value and returns a cleaned value, or ``None`` to drop it.
"""

from __future__ import annotations

import re

_SPACES = re.compile(r"[^\S\n]+")
_LINES = re.compile(r"\s*\n\s*")
# A byte-order mark inside text is an encoding artefact. Zero-width (non-)joiners and spaces
# are not: Persian needs ZWNJ, emoji sequences ZWJ; they stay as published.
_BOM = "\ufeff"

# A paragraph that is only the heading of a comment section: it and all after it go.
_COMMENT_SECTION_START = re.compile(
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
_FURNITURE = re.compile(
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
_PROMPT = re.compile(
    r"^(?:share (?:this|on|via)\b|share:|click to share|follow us on|"
    r"sign up for (?:our|the) .{0,40}newsletter|subscribe to (?:our|the) .{0,40}newsletter|"
    r"(?:advertisement|anzeige|publicidad|publicité|werbung)\b)",
    re.IGNORECASE,
)
_PROMPT_MAX_WORDS = 15  # longer paragraphs that start like a prompt are article text


def fold_whitespace(value: str) -> str | None:
    """Collapse runs of white space into one space; ``None`` when nothing is left.

    >>> fold_whitespace("  Breaking\\n\\t news \\ufeff ")
    'Breaking news'
    >>> fold_whitespace(" \\n ") is None
    True
    """
    folded = " ".join(value.replace(_BOM, "").split())
    return folded or None


def split_paragraphs(text: str) -> list[str]:
    """Paragraphs of a plain text: one per line, white space folded, empty lines dropped.

    >>> split_paragraphs("One  two.\\n\\n\\nThree.\\n  ")
    ['One two.', 'Three.']
    """
    return [p for p in map(fold_whitespace, _LINES.split(text)) if p]


def strip_comment_section(paragraphs: list[str]) -> list[str]:
    """Drop a trailing comment section and comment-form hints from the paragraphs.

    >>> strip_comment_section(["Body.", "Leave a Reply", "Name *", "Post Comment"])
    ['Body.']
    >>> strip_comment_section(["Body.", "Your email address will not be published."])
    ['Body.']
    """
    kept = []
    for paragraph in paragraphs:
        if _COMMENT_SECTION_START.match(paragraph) and kept:
            break
        if not _FURNITURE.match(paragraph):
            kept.append(paragraph)
    return kept


def strip_prompts(paragraphs: list[str]) -> list[str]:
    """Drop short share, newsletter and advertisement prompts.

    >>> strip_prompts(["Share this:", "Share this story with care, said the editor, "
    ...                "because the rest of the sentence is long enough to be text."])
    ['Share this story with care, said the editor, because the rest of the sentence is long enough to be text.']
    """
    return [
        p for p in paragraphs
        if not (_PROMPT.match(p) and len(p.split()) <= _PROMPT_MAX_WORDS)
    ]


def clean_body(text: str) -> str | None:
    """The article body as clean plain text, paragraphs separated by one blank line.

    >>> clean_body("in Syria.\\nAlready taken aback\\n\\nLeave a Reply\\nYou may use these HTML tags")
    'in Syria.\\n\\nAlready taken aback'
    >>> clean_body(clean_body("A\\n\\nB")) == clean_body("A\\n\\nB")
    True
    """
    paragraphs = strip_prompts(strip_comment_section(split_paragraphs(text)))
    return "\n\n".join(paragraphs) or None


def word_count(text: str | None) -> int:
    """Words of a text, split on white space.

    >>> word_count("Three short words"), word_count(None)
    (3, 0)
    """
    return len(text.split()) if text else 0


def as_persons(names: list[str]) -> list[dict]:
    """Author names as schema.org-style person objects.

    >>> as_persons(["Jane Doe"])
    [{'name': 'Jane Doe'}]
    """
    return [{"name": name} for name in names]
