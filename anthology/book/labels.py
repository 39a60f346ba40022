"""The words the tool itself prints (Contents, Translated by, month names …), in the book's language.

English is complete; other languages fall back to English for any label they lack. A book can
override any label with `labels:` in its manifest.
"""

from __future__ import annotations

import datetime as dt

EN = {
    "contents": "Contents",
    "preface": "Preface",
    "credits": "Sources and credits",
    "index": "Index of names and places",
    "index_short": "Index",
    "title_page": "Title page",
    "half_title": "Half title",
    "rights": "Rights",
    "cover": "Cover",
    "landmarks": "Landmarks",
    "start": "Start of the text",
    "pages": "Pages of the print edition",
    "notes": "Notes",
    "edited_by": "Edited by {names}",
    "translated_by": "Translated by {names}",
    "by": "By {names}.",
    "and": "and",
    "first_published": "First published: {where}.",
    "original_language": "Original language: {language}.",
    "published_by": "Published by {publisher}",
    "identifier": "Identifier: {identifier}",
    "credits_pointer": "Sources and permissions for each piece are listed in “{credits}” at the end of this book.",
    "built": "Built on {date} from the sources of this edition with anthology. Print edition: {edition}.",
    "from_book": "from {title}",
    "months": "January February March April May June July August September October November December",
    "date": "{day} {month} {year}",
    # the web edition
    "skip": "Skip to the text",
    "search": "Search",
    "search_in": "Search this book",
    "search_found": "Pages found for “{query}”: {count}",
    "search_none": "Nothing found for “{query}”.",
    "search_needs_script": "Searching needs JavaScript. The contents on the first page and the index of names and places list everything in this book.",
    "previous": "Previous",
    "next": "Next",
    "breadcrumbs": "Where you are",
    "pager": "Previous and next page",
    "downloads": "Download the book",
    "download_epub": "For e-readers and phones: the text adjusts to your screen and your reader's fonts.",
    "download_pdf": "For reading on screen or printing at home: the print edition, {trim} pages.",
    "download_zine": "For folding into a booklet: take it to a copy shop, print double-sided, fold and staple.",
    "download_press": "For a printing press: single pages with bleed and crop marks.",
    "about_edition": "About this edition",
    "catalogue": "Catalogue for reading apps (OPDS)",
    "in_chapter": "In this chapter",
    "languages": "en=English ru=Russian kk=Kazakh uk=Ukrainian de=German fr=French es=Spanish "
                 "uz=Uzbek ky=Kyrgyz be=Belarusian",
}

RU = {
    "contents": "Содержание",
    "preface": "Предисловие",
    "credits": "Источники и благодарности",
    "index": "Указатель имён и мест",
    "index_short": "Указатель",
    "title_page": "Титульный лист",
    "half_title": "Шмуцтитул",
    "rights": "Права",
    "cover": "Обложка",
    "landmarks": "Ориентиры",
    "start": "Начало текста",
    "pages": "Страницы печатного издания",
    "notes": "Примечания",
    "edited_by": "Составитель: {names}",
    "translated_by": "Перевод: {names}",
    "by": "Автор: {names}.",
    "and": "и",
    "first_published": "Впервые опубликовано: {where}.",
    "original_language": "Язык оригинала: {language}.",
    "published_by": "Издатель: {publisher}",
    "identifier": "Идентификатор: {identifier}",
    "credits_pointer": "Источники и разрешения для каждого текста перечислены в разделе «{credits}» в конце книги.",
    "built": "Собрано {date} из исходных текстов этого издания программой anthology. Печатное издание: {edition}.",
    "from_book": "из книги «{title}»",
    "months": "января февраля марта апреля мая июня июля августа сентября октября ноября декабря",
    "date": "{day} {month} {year} г.",
    "skip": "Перейти к тексту",
    "search": "Поиск",
    "search_in": "Поиск по книге",
    "search_found": "Найдено страниц по запросу «{query}»: {count}",
    "search_none": "По запросу «{query}» ничего не найдено.",
    "search_needs_script": "Для поиска нужен JavaScript. Всё содержимое книги перечислено в оглавлении на первой странице и в указателе имён и мест.",
    "previous": "Назад",
    "next": "Далее",
    "breadcrumbs": "Где вы находитесь",
    "pager": "Предыдущая и следующая страницы",
    "downloads": "Скачать книгу",
    "download_epub": "Для электронных книг и телефонов: текст подстраивается под экран и шрифты читалки.",
    "download_pdf": "Для чтения с экрана или печати дома: печатное издание, формат {trim}.",
    "download_zine": "Для брошюры: распечатайте в копицентре с двух сторон, сложите и скрепите.",
    "download_press": "Для типографии: отдельные страницы с вылетами и метками реза.",
    "about_edition": "Об этом издании",
    "catalogue": "Каталог для читалок (OPDS)",
    "in_chapter": "В этой главе",
    "languages": "en=английский ru=русский kk=казахский uk=украинский de=немецкий fr=французский "
                 "es=испанский uz=узбекский ky=киргизский be=белорусский",
}

DE = {
    "contents": "Inhalt",
    "preface": "Vorwort",
    "credits": "Quellen und Nachweise",
    "index": "Register der Namen und Orte",
    "index_short": "Register",
    "title_page": "Titelseite",
    "half_title": "Schmutztitel",
    "rights": "Impressum",
    "cover": "Umschlag",
    "landmarks": "Orientierungspunkte",
    "start": "Beginn des Textes",
    "pages": "Seiten der Druckausgabe",
    "notes": "Anmerkungen",
    "edited_by": "Herausgegeben von {names}",
    "translated_by": "Übersetzt von {names}",
    "by": "Von {names}.",
    "and": "und",
    "first_published": "Erstveröffentlichung: {where}.",
    "original_language": "Originalsprache: {language}.",
    "published_by": "Verlag: {publisher}",
    "identifier": "Kennung: {identifier}",
    "credits_pointer": "Quellen und Genehmigungen jedes Textes stehen unter „{credits}“ am Ende dieses Buches.",
    "built": "Erstellt am {date} aus den Quellen dieser Ausgabe mit anthology. Druckausgabe: {edition}.",
    "from_book": "aus {title}",
    "months": "Januar Februar März April Mai Juni Juli August September Oktober November Dezember",
    "date": "{day}. {month} {year}",
    "skip": "Zum Text springen",
    "search": "Suche",
    "search_in": "In diesem Buch suchen",
    "search_found": "Seiten mit „{query}“: {count}",
    "search_none": "Nichts gefunden für „{query}“.",
    "search_needs_script": "Die Suche braucht JavaScript. Das Inhaltsverzeichnis auf der ersten Seite und das Register der Namen und Orte führen alles in diesem Buch auf.",
    "previous": "Zurück",
    "next": "Weiter",
    "breadcrumbs": "Sie sind hier",
    "pager": "Vorige und nächste Seite",
    "downloads": "Das Buch herunterladen",
    "download_epub": "Für E-Reader und Telefone: der Text passt sich dem Bildschirm und den Schriften des Lesegeräts an.",
    "download_pdf": "Zum Lesen am Bildschirm oder Drucken zu Hause: die Druckausgabe, Format {trim}.",
    "download_zine": "Zum Falten als Heft: im Copyshop beidseitig drucken, falten und heften.",
    "download_press": "Für die Druckerei: Einzelseiten mit Beschnitt und Schnittmarken.",
    "about_edition": "Über diese Ausgabe",
    "catalogue": "Katalog für Lese-Apps (OPDS)",
    "in_chapter": "In diesem Kapitel",
    "languages": "en=Englisch ru=Russisch kk=Kasachisch uk=Ukrainisch de=Deutsch fr=Französisch "
                 "es=Spanisch uz=Usbekisch ky=Kirgisisch be=Belarussisch",
}

FR = {
    "contents": "Table des matières",
    "preface": "Préface",
    "credits": "Sources et remerciements",
    "index": "Index des noms et des lieux",
    "index_short": "Index",
    "title_page": "Page de titre",
    "half_title": "Faux-titre",
    "rights": "Droits",
    "cover": "Couverture",
    "landmarks": "Repères",
    "start": "Début du texte",
    "pages": "Pages de l’édition imprimée",
    "notes": "Notes",
    "edited_by": "Textes réunis par {names}",
    "translated_by": "Traduit par {names}",
    "by": "Par {names}.",
    "and": "et",
    "first_published": "Première publication : {where}.",
    "original_language": "Langue originale : {language}.",
    "published_by": "Publié par {publisher}",
    "identifier": "Identifiant : {identifier}",
    "credits_pointer": "Les sources et autorisations de chaque texte figurent dans « {credits} » à la fin de ce livre.",
    "built": "Composé le {date} à partir des sources de cette édition avec anthology. Édition imprimée : {edition}.",
    "from_book": "extrait de {title}",
    "months": "janvier février mars avril mai juin juillet août septembre octobre novembre décembre",
    "date": "{day} {month} {year}",
    "skip": "Aller au texte",
    "search": "Rechercher",
    "search_in": "Rechercher dans ce livre",
    "search_found": "Pages trouvées pour « {query} » : {count}",
    "search_none": "Rien trouvé pour « {query} ».",
    "search_needs_script": "La recherche demande JavaScript. La table des matières de la première page et l’index des noms et des lieux recensent tout le livre.",
    "previous": "Précédent",
    "next": "Suivant",
    "breadcrumbs": "Vous êtes ici",
    "pager": "Pages précédente et suivante",
    "downloads": "Télécharger le livre",
    "download_epub": "Pour liseuses et téléphones : le texte s’adapte à l’écran et aux polices de la liseuse.",
    "download_pdf": "Pour lire à l’écran ou imprimer chez soi : l’édition imprimée, format {trim}.",
    "download_zine": "Pour plier en livret : imprimez recto verso chez un reprographe, pliez et agrafez.",
    "download_press": "Pour un imprimeur : pages seules avec fond perdu et traits de coupe.",
    "about_edition": "À propos de cette édition",
    "catalogue": "Catalogue pour applications de lecture (OPDS)",
    "in_chapter": "Dans ce chapitre",
    "languages": "en=anglais ru=russe kk=kazakh uk=ukrainien de=allemand fr=français es=espagnol "
                 "uz=ouzbek ky=kirghiz be=biélorusse",
}

# parallel text and the translators' and editors' notes (issue 20, docs/parallel-text.md)
_PARALLEL = {
    "en": {"note_tn": "Trans.", "note_ed": "Ed.", "original_text": "The original ({language})",
           "original_title": "Original title: {title} ({language}).", "show_text": "Show",
           "show_translation": "Translation", "show_original": "Original", "show_both": "Both"},
    "ru": {"note_tn": "Примеч. пер.", "note_ed": "Примеч. ред.", "original_text": "Оригинал ({language})",
           "original_title": "Название оригинала: {title} ({language}).", "show_text": "Показать",
           "show_translation": "Перевод", "show_original": "Оригинал", "show_both": "Оба текста"},
    "de": {"note_tn": "Anm. d. Übers.", "note_ed": "Anm. d. Hrsg.", "original_text": "Das Original ({language})",
           "original_title": "Originaltitel: {title} ({language}).", "show_text": "Zeigen",
           "show_translation": "Übersetzung", "show_original": "Original", "show_both": "Beide"},
    "fr": {"note_tn": "N.d.T.", "note_ed": "N.d.É.", "original_text": "L’original ({language})",
           "original_title": "Titre original : {title} ({language}).", "show_text": "Afficher",
           "show_translation": "Traduction", "show_original": "Original", "show_both": "Les deux"},
}
for _code, _labels in (("en", EN), ("ru", RU), ("de", DE), ("fr", FR)):
    _labels.update(_PARALLEL[_code])

BUILT_IN = {"en": EN, "ru": RU, "de": DE, "fr": FR}


class Labels:
    """Labels for one language, with the manifest's overrides; attribute access for templates."""

    def __init__(self, language: str, overrides: dict | None = None):
        base = dict(EN)
        base.update(BUILT_IN.get(language.split("-")[0].lower(), {}))
        base.update(overrides or {})
        self._labels = base
        self._months = base["months"].split()
        self._languages = dict(pair.split("=", 1) for pair in base["languages"].split())

    def __getattr__(self, name: str) -> str:
        if name.startswith("_"):  # not a label (and while unpickling, before _labels exists)
            raise AttributeError(name)
        try:
            return self._labels[name]
        except KeyError:
            raise AttributeError(name) from None

    def format(self, name: str, **values) -> str:
        return self._labels[name].format(**values)

    def date(self, date: dt.date | None) -> str:
        if not date:
            return ""
        return self._labels["date"].format(day=date.day, month=self._months[date.month - 1], year=date.year)

    def names(self, people: list[str]) -> str:
        people = list(people)
        if len(people) <= 1:
            return "".join(people)
        return ", ".join(people[:-1]) + f" {self._labels['and']} " + people[-1]

    def language(self, code: str | None) -> str:
        if not code:
            return ""
        return self._languages.get(code.split("-")[0].lower(), code)


def problem(name: str, value: str) -> str | None:
    """What is wrong with a book's own text for the label `name` (None when nothing): its {placeholders}
    must be those of the English label, `months` twelve words, `languages` pairs of code=name."""
    import string

    if name == "months":
        return None if len(value.split()) == 12 else "must be twelve month names separated by spaces"
    if name == "languages":
        bad = [pair for pair in value.split() if "=" not in pair.strip("=")]
        return f"must be pairs like en=English (not '{bad[0]}')" if bad else None
    allowed = {field for _text, field, _spec, _conv in string.Formatter().parse(EN[name]) if field}
    try:
        fields = {field for _text, field, _spec, _conv in string.Formatter().parse(value) if field is not None}
        samples = {field: (1 if field in ("day", "year") else "x") for field in allowed}
        unknown = sorted(fields - allowed)
        if not unknown:
            value.format(**samples)
    except (ValueError, IndexError, KeyError, AttributeError, TypeError) as exc:
        return f"is not a valid text with placeholders ({exc}): write {{{{ and }}}} for a brace"
    if unknown:
        known = ", ".join("{" + f + "}" for f in sorted(allowed)) or "none"
        return f"uses the placeholder {{{unknown[0]}}}, which this label does not have (it has: {known})"
    return None
