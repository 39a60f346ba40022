"""The typography of a text's language, where the source has straight marks: quotes (primary and
nested), dashes, ellipses and no-break spaces, each element by its own `lang`.

Marks that are already typographic are never changed: only straight quotes `"` `'`, `--`, `---`,
a spaced hyphen, `...` and ordinary spaces are touched. Code (`code`, `pre`, `kbd`, `samp`) is
left as written.

QUOTES is CLDR's `delimiters` data (quotationStart, quotationEnd, alternateQuotationStart,
alternateQuotationEnd) of CLDR 47 (common/main/<language>.xml, unicode.org/Public/cldr/47), for the
languages listed; any other language gets CLDR's root marks (“…‘…’…”). The spacing and dash rules
below are the usual typographic conventions of each language (CLDR has no data for them).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from anthology.book import languages

# CLDR 47 <delimiters>: primary open, primary close, nested open, nested close
QUOTES = {
    "en": "“”‘’", "es": "“”‘’", "tr": "“”‘’", "pt": "“”‘’", "zh": "“”‘’", "da": "“”‘’", "nb": "“”‘’",
    "tt": "“”‘’", "az": "“”‘’", "yi": "“”‘’", "id": "“”‘’", "ko": "“”‘’", "hi": "“”‘’", "vi": "“”‘’",
    "ru": "«»„“", "uk": "«»„“", "be": "«»„“", "ky": "«»„“", "cv": "«»„“", "sah": "«»„“",
    "kk": "«»“”", "it": "«»“”", "el": "«»“”", "ca": "«»“”", "eu": "«»“”", "sq": "«»“”",
    "de": "„“‚‘", "cs": "„“‚‘", "sk": "„“‚‘", "sl": "„“‚‘", "hr": "„“‚‘", "et": "„“‚‘", "mk": "„“‚‘",
    "is": "„“‚‘", "lb": "„“‚‘",
    "fr": "«»«»", "hy": "«»«»",
    "pl": "„”«»", "ro": "„”«»",
    "hu": "„”»«",
    "bg": "„“„“", "lt": "„“„“",
    "sr": "„”’’",
    "ka": "„“«»",
    "ar": "”“’‘", "ur": "”“’‘", "syr": "”“’‘",
    "he": "””’’", "fi": "””’’", "sv": "””’’",
    "fa": "«»‹›", "am": "«»‹›",
    "no": "«»‘’",
    "nl": "‘’‘’",
    "uz": "“”’‘",
    "ja": "「」『』",
}
ROOT_QUOTES = "“”‘’"

NBSP, NNBSP = "\u00a0", "\u202f"
# a spaced dash between words: the em dash of Russian and its neighbours, the en dash of most of Europe
SPACED_EM = {"ru", "uk", "be", "kk", "ky", "bg", "tt", "mk", "sr", "ba", "cv", "sah", "uz", "tg"}
SPACED_EN = {"pl", "cs", "sk", "de", "hu", "ro", "hr", "sl", "et", "lt", "lv", "da", "sv", "fi", "nb", "no",
             "fr", "nl", "is"}
ONE_LETTER_WORDS = {"ru", "uk", "be", "pl", "cs", "sk"}  # a no-break space after a one-letter word
YEAR_ABBREVIATIONS = {"ru": r"гг?\.", "be": r"гг?\.", "uk": r"рр?\."}  # a no-break space before "г."

SKIP = {"code", "pre", "kbd", "samp", "var", "script", "style"}
BLOCKS = {"p", "li", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6", "td", "th", "figcaption", "caption",
          "blockquote", "div", "section", "aside", "header", "footer", "figure", "ul", "ol", "dl", "table",
          "thead", "tbody", "tfoot", "tr", "nav", "main", "article"}
OPENERS = set("([{«„“‘‚‹—–-/\"'") | {NBSP, NNBSP}


@dataclass(frozen=True)
class Rules:
    quotes: str       # four characters
    inner_space: str  # inside « » (French)
    dash: str         # "em", "en" or "" (en: -- is an en dash, unspaced as written)
    one_letter: bool
    year: str         # a regex of the year abbreviation, or ""
    french: bool
    english: bool


@functools.lru_cache(maxsize=256)
def rules(tag: str | None) -> Rules:
    lang = languages.base(tag)
    quotes = QUOTES.get((tag or "").lower()) or QUOTES.get(lang) or ROOT_QUOTES
    return Rules(quotes=quotes, inner_space=NBSP if lang == "fr" else "",
                 dash="em" if lang in SPACED_EM else "en" if lang in SPACED_EN else "",
                 one_letter=lang in ONE_LETTER_WORDS, year=YEAR_ABBREVIATIONS.get(lang, ""),
                 french=lang == "fr", english=lang == "en")


def _tag(element) -> str:
    tag = element.tag if isinstance(element.tag, str) else ""
    return tag.rsplit("}", 1)[-1].lower()


def _lang_of(element, inherited: str) -> str:
    for name, value in element.attrib.items():
        if name == "lang" or name.endswith("}lang"):
            return value
    return inherited


def apply(root, language: str) -> None:
    """Set the typography of every text in the lxml tree `root` (whose language is `language`)."""
    _block(root, _lang_of(root, language))


def _block(block, language: str) -> None:
    nodes: list[tuple[object, bool, str]] = []  # (element, is its tail, language), in reading order

    def gather(element, lang: str) -> None:
        if element.text:
            nodes.append((element, False, lang))
        for child in element:
            tag = _tag(child)
            if tag and tag not in SKIP:
                child_lang = _lang_of(child, lang)
                if tag in BLOCKS:
                    _block(child, child_lang)
                else:
                    gather(child, child_lang)
            if child.tail:
                nodes.append((child, True, lang))

    gather(block, language)
    if nodes:
        _set_text(nodes)


def _set_text(nodes) -> None:
    texts = [(node.tail if tail else node.text) for node, tail, _lang in nodes]
    joined = "".join(texts)
    out = _quotes(joined, [(len(t), lang) for t, (_n, _t, lang) in zip(texts, nodes)]) \
        if ('"' in joined or "'" in joined) else list(joined)
    start = 0
    for index, ((node, tail, lang), text) in enumerate(zip(nodes, texts)):
        piece = "".join(out[start:start + len(text)])
        start += len(text)
        piece = _marks(piece, rules(lang), first=index == 0)
        if tail:
            node.tail = piece
        else:
            node.text = piece


def _quotes(text: str, spans: list[tuple[int, str]]) -> list[str]:
    """Straight quotes -> the language's, paired across the block's text nodes (one string per char)."""
    langs = []
    for length, lang in spans:
        langs.extend([lang] * length)
    out = list(text)
    stack: list[tuple[str, Rules, int]] = []  # (straight mark, rules of the opening's language, 0 or 2)
    for i, char in enumerate(text):
        if char not in "\"'":
            continue
        prev = text[i - 1] if i else ""
        nxt = text[i + 1] if i + 1 < len(text) else ""
        rule = rules(langs[i])
        opening = bool(nxt) and not nxt.isspace() and (not prev or prev.isspace() or prev in OPENERS)
        if char == "'":
            if prev.isalnum() and nxt.isalpha() or (opening and nxt.isdigit()):
                out[i] = "’"  # an apostrophe (didn’t, ’90s)
                continue
        if opening:
            level = 2 if len(stack) % 2 else 0
            if char == "'" and not stack and rule.english:
                level = 2  # English keeps the writer's 'single' quotes
            stack.append((char, rule, level))
            out[i] = rule.quotes[level] + rule.inner_space
            continue
        found = next((n for n in range(len(stack) - 1, -1, -1) if stack[n][0] == char), None)
        if found is None:
            out[i] = "’" if char == "'" else rule.inner_space + rule.quotes[1]
            continue
        _mark, opened, level = stack[found]
        del stack[found:]
        out[i] = opened.inner_space + opened.quotes[level + 1]
    return out


_SPACE = r"[ \t\n]+"


def _marks(text: str, rule: Rules, first: bool) -> str:
    if "..." in text:
        text = text.replace("...", "…")
    if "-" in text:
        if rule.dash == "em":
            if first:
                text = re.sub(r"^(\s*)---?[ \t]+", "\\1—" + NBSP, text)  # a line of dialogue
                text = re.sub(r"^(\s*)-[ \t]+(?=\w)", "\\1—" + NBSP, text)
            text = re.sub(r"[ \t\n]+(?:---?|-|–)(?=[ \t\n])", NBSP + "—", text)
            text = text.replace("---", "—").replace("--", "—")
        elif rule.dash == "en":
            text = re.sub(r"[ \t\n]+(?:--|-)(?=[ \t\n])", NBSP + "–", text)
            text = text.replace("---", "—").replace("--", "–")
        else:
            text = text.replace("---", "—").replace("--", "–")
    if rule.one_letter:
        text = re.sub(r"(?<![\w\-])([^\W\d_])" + _SPACE + r"(?=[\w«„\"(])", "\\1" + NBSP, text)
    if rule.year:
        text = re.sub(r"(\d)" + _SPACE + "(" + rule.year + ")", "\\1" + NBSP + "\\2", text)
    if rule.french:
        text = re.sub(_SPACE + r"([;!?])", NNBSP + "\\1", text)
        text = re.sub(_SPACE + ":", NBSP + ":", text)
        text = re.sub(r"(?:(?<=[^\W\d_])|(?<=[»”)]))([;!?]+)(?=\s|$|»)", NNBSP + "\\1", text)
        text = re.sub(r"(?<=[^\W\d_]):(?=\s|$)", NBSP + ":", text)
        text = re.sub("«" + _SPACE, "«" + NBSP, text)
        text = re.sub(_SPACE + "»", NBSP + "»", text)
    return text
