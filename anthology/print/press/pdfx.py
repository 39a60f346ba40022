"""A written press PDF made a PDF/X (`print: pdf-x: x-1a | x-3 | x-4`), with pikepdf: the output intent
(the CMYK profile embedded, its condition identifier), the version keys, /Trapped, dates from
SOURCE_DATE_EPOCH and a DocumentID made from the content (two builds give the same bytes), the PDF
version the variant is based on; then checked (print/press/checks.py): a PDF that cannot be the
variant is an error, and nothing is written.

WeasyPrint's own `pdf_variant="pdf/x-…"` is not used: the book's parts are joined after WeasyPrint
wrote them (print/layout/stitch.py), its X-1a is the 2003 edition where IngramSpark asks for 2001, and
it writes the current time and a random DocumentID. The layout gets what the variant's layout needs
from WeasyPrint (`output_intent="device-cmyk"`: transparency groups blend in CMYK) and its colours in
CMYK (print/press/cmyk.py); what WeasyPrint draws by itself in RGB (the crop marks' black) is made
black ink here."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import uuid
from pathlib import Path

from anthology.errors import BookError, Problem

# variant -> (GTS_PDFXVersion, GTS_PDFXConformance or None, PDF version)
VARIANTS = {
    "x-1a": ("PDF/X-1:2001", "PDF/X-1a:2001", "1.3"),
    "x-3": ("PDF/X-3:2002", None, "1.3"),
    "x-4": ("PDF/X-4", None, "1.6"),
}
_RGB = re.compile(rb"(?<![\w.\-/])(-?[\d.]+)\s+(-?[\d.]+)\s+(-?[\d.]+)\s+(rg|RG)(?![\w])")
_PENDING: dict[str, list[str]] = {}  # warnings of a layout, by the PDF it was written to


def applies(book, press: bool) -> bool:
    return bool(book.print.pdf_x) and (press or book.print.pdf_x_interior)


def before_write(result, target: Path, book) -> None:
    """Called by print/pdf.write() for a layout in CMYK: refuse transparency X-1a and X-3 forbid
    (BookError naming the element and its page); keep the warnings about its images for finish()."""
    from anthology.print.press import checks

    problems = checks.opacity_problems(result.document, book.print.pdf_x)
    if problems:
        line = book.lines.get("print.pdf-x") or book.lines.get("print.printer")
        raise BookError([Problem(book.manifest.name, line, message, "PDFX") for message in problems])
    _PENDING[str(target)] = checks.image_warnings(result.document, book.root, result.press)


def finish(path: Path, book, *, press: bool, outputs=None, formats=()) -> list[Problem]:
    """Make the PDF at `path` the book's PDF/X (nothing when the book asks for none there); its soft
    proof too when `formats` ask for it. Returns the warnings about its images."""
    if not applies(book, press):
        if press and "proof" in formats:
            raise BookError([Problem(book.manifest.name, book.lines.get("print"),
                                     "--format proof shows the PDF/X press edition on screen, and this book asks "
                                     "for none: add pdf-x: x-4 (or x-1a, x-3) under print:", "PDFX")])
        return []
    import pikepdf

    from anthology.epoch import build_epoch
    from anthology.print.press import checks, cmyk

    from anthology.print import source

    variant = book.print.pdf_x
    version, conformance, pdf_version = VARIANTS[variant]
    source.record_fetches([book.print.output_intent.path])  # an input of the build (the cache's key)
    colours = cmyk.for_book(book)
    raw = Path(path).read_bytes()
    document_id = uuid.uuid5(uuid.NAMESPACE_URL, "anthology:pdfx:" + hashlib.sha256(raw).hexdigest())
    when = dt.datetime.fromtimestamp(build_epoch(), dt.UTC)
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        _black_ink(pdf, colours)
        if variant != "x-4":
            _flatten_opaque(pdf)
        _drop_unused_resources(pdf)
        for page in pdf.pages:  # links do not print; PDF/X wants no annotation on the page
            if "/Annots" in page.obj:
                del page.obj["/Annots"]
        if "/AcroForm" in pdf.Root:
            del pdf.Root["/AcroForm"]
        found = checks.pdf_problems(pdf, variant)
        if found:
            line = book.lines.get("print.pdf-x") or book.lines.get("print.printer")
            raise BookError([Problem(book.manifest.name, line, f"print: pdf-x: {variant}: {message}", "PDFX")
                             for message in found[:20]])
        intent = book.print.output_intent
        profile = pikepdf.Stream(pdf, intent.path.read_bytes())
        profile["/N"] = 4
        entry = pikepdf.Dictionary(Type=pikepdf.Name.OutputIntent, S=pikepdf.Name.GTS_PDFX,
                                   OutputConditionIdentifier=pikepdf.String(intent.condition),
                                   Info=pikepdf.String(intent.info), DestOutputProfile=profile)
        if intent.registry:
            entry["/RegistryName"] = pikepdf.String(intent.registry)
        pdf.Root.OutputIntents = pikepdf.Array([entry])
        stamp = when.strftime("D:%Y%m%d%H%M%S+00'00'")
        info = pdf.docinfo
        info["/Title"] = pikepdf.String(str(info.get("/Title", book.title)))
        info["/Trapped"] = pikepdf.Name("/False")
        info["/Producer"] = pikepdf.String(_producer())
        info["/Creator"] = pikepdf.String(_creator())
        info["/CreationDate"] = pikepdf.String(stamp)
        info["/ModDate"] = pikepdf.String(stamp)
        info["/GTS_PDFXVersion"] = pikepdf.String(version)
        if conformance:
            info["/GTS_PDFXConformance"] = pikepdf.String(conformance)
        if "/Metadata" in pdf.Root:
            del pdf.Root["/Metadata"]
        if pdf_version >= "1.4":
            metadata = pikepdf.Stream(pdf, _xmp(book, info, version, when, document_id))
            metadata["/Type"] = pikepdf.Name.Metadata
            metadata["/Subtype"] = pikepdf.Name.XML
            pdf.Root.Metadata = metadata
        pdf.save(path, force_version=pdf_version, deterministic_id=True, fix_metadata_version=False,
                 compress_streams=True, object_stream_mode=pikepdf.ObjectStreamMode.generate
                 if pdf_version >= "1.5" else pikepdf.ObjectStreamMode.disable)
    warnings = [Problem(_shown(book, message), None, message.split(": ", 1)[1], "PDFX", "warning")
                for message in _PENDING.pop(str(path), [])]
    if "proof" in formats and outputs is not None:
        from anthology.print.press import proof

        proof.write(path, colours, outputs.temp_dir_for(f"{book.output}-proof"))
    return warnings


def _shown(book, message: str) -> str:
    return message.split(": ", 1)[0]


def _black_ink(pdf, colours) -> None:
    """Every DeviceRGB colour operator left in a content stream (what WeasyPrint draws by itself: the
    crop marks) made CMYK through the press's conversion (black: black ink alone)."""
    import pikepdf

    def convert(match) -> bytes:
        rgb = [min(1.0, max(0.0, float(v))) for v in match.groups()[:3]]
        c, m, y, k = colours.cmyk(*(round(v * 255) for v in rgb))
        return f"{c:g} {m:g} {y:g} {k:g} {'k' if match.group(4) == b'rg' else 'K'}".encode()

    seen = set()

    def rewrite(stream) -> None:
        if stream.objgen in seen:
            return
        seen.add(stream.objgen)
        data = stream.read_bytes()
        changed = _RGB.sub(convert, data)
        if changed != data:
            stream.write(changed)

    def walk(holder) -> None:
        resources = holder.get("/Resources")
        for xobject in (resources.get("/XObject") or {}).values() if resources is not None else []:
            if xobject.get("/Subtype") == "/Form" and xobject.objgen not in seen:
                rewrite(xobject)
                walk(xobject)
        for pattern in (resources.get("/Pattern") or {}).values() if resources is not None else []:
            if isinstance(pattern, pikepdf.Stream) and pattern.objgen not in seen:
                rewrite(pattern)
                walk(pattern)

    for page in pdf.pages:
        contents = page.obj.get("/Contents")
        for stream in (contents if isinstance(contents, pikepdf.Array) else [contents]):
            if stream is not None:
                rewrite(stream)
        walk(page.obj)


_FILLS = {"f": "n", "F": "n", "f*": "n", "B": "S", "B*": "S", "b": "s", "b*": "s"}


def _flatten_opaque(pdf) -> None:
    """What WeasyPrint draws in a transparency group without being see-through, drawn plainly (for
    PDF/X-1a and X-3): the crop marks are an SVG drawn as a group, their lines filled with a colour of
    alpha 0 and stroked in black. A fill of alpha 0 becomes no fill, and a form whose content is then
    all opaque loses its transparency group (composed over the page, an isolated group of opaque
    content in the normal blend mode is the very same drawing). Real transparency (CSS opacity, an
    rgba colour in X-4) is left for the checks to refuse."""
    import pikepdf

    for page in pdf.pages:
        for form in _forms(page.obj):
            group = form.get("/Group")
            if group is None or str(group.get("/S")) != "/Transparency":
                continue
            states = (form.get("/Resources") or {}).get("/ExtGState") or {}
            alphas = {str(name): (float(state.get("/ca", 1)), float(state.get("/CA", 1)),
                                  "/SMask" in state and str(state["/SMask"]) != "/None")
                      for name, state in states.items()}
            operations, opaque, fill_alpha, stack = [], True, 1.0, []
            for instruction in pikepdf.parse_content_stream(form):
                operands, operator = instruction.operands, instruction.operator
                # pikepdf names an inline image's instruction "INLINE IMAGE" (its BI … ID … EI in one)
                inline = isinstance(instruction, pikepdf.ContentStreamInlineImage)
                name = "BI" if inline else str(operator)
                if name == "q":
                    stack.append(fill_alpha)
                elif name == "Q":
                    fill_alpha = stack.pop() if stack else 1.0
                elif name == "gs":
                    ca, stroke_alpha, mask = alphas.get(str(operands[0]), (1.0, 1.0, False))
                    if mask or stroke_alpha < 1 or 0 < ca < 1:
                        opaque = False
                    fill_alpha = ca
                    continue  # the states of an opaque drawing say nothing: left out
                elif name == "Do" or name in ("sh", "BI"):
                    opaque = opaque and name != "BI"
                elif fill_alpha == 0 and name in _FILLS:
                    operator = pikepdf.Operator(_FILLS[name])
                operations.append((operands, operator))
            if opaque:
                form.write(pikepdf.unparse_content_stream(operations))
                del form["/Group"]


def _drop_unused_resources(pdf) -> None:
    """WeasyPrint lists two Lab colour spaces in every resource dictionary, used or not, and a page's
    graphics states stay listed once _flatten_opaque() left them out: the unused ones go (PDF/X-1a
    allows no Lab colour, X-1a and X-3 no transparent state)."""
    import pikepdf

    used = b""
    for page in pdf.pages:
        used += b"".join(s.read_bytes() for s in _streams(page.obj))
    for page in pdf.pages:
        for holder in [page.obj, *_forms(page.obj)]:
            resources = holder.get("/Resources")
            for kind in ("/ColorSpace", "/ExtGState"):
                listed = resources.get(kind) if resources is not None else None
                if not isinstance(listed, pikepdf.Dictionary):
                    continue
                for name in list(listed.keys()):
                    if not re.search(re.escape(name.encode()) + rb"(?![\w.\-])", used):
                        del listed[name]


def _streams(page):
    import pikepdf

    contents = page.get("/Contents")
    yield from (contents if isinstance(contents, pikepdf.Array) else [contents] if contents is not None else [])
    yield from _forms(page)


def _forms(holder, seen=None):
    """The forms (and tiling patterns: content streams too) a page or form draws, nested ones included."""
    import pikepdf

    seen = set() if seen is None else seen
    resources = holder.get("/Resources")
    if resources is None:
        return
    drawn = [x for x in (resources.get("/XObject") or {}).values() if x.get("/Subtype") == "/Form"]
    drawn += [p for p in (resources.get("/Pattern") or {}).values() if isinstance(p, pikepdf.Stream)]
    for xobject in drawn:
        if xobject.objgen not in seen:
            seen.add(xobject.objgen)
            yield xobject
            yield from _forms(xobject, seen)


def _producer() -> str:
    import weasyprint

    return f"WeasyPrint {weasyprint.__version__}, pikepdf"


def _creator() -> str:
    from anthology import __version__

    return f"anthology {__version__}"


def _xmp(book, info, version: str, when: dt.datetime, document_id: uuid.UUID) -> bytes:
    """The XMP packet PDF/X-4 requires: version, dates, the document's ids, Trapped; and the same title,
    authors, subject and keywords as the Info dictionary (the two must agree)."""
    from xml.sax.saxutils import escape

    title = str(info["/Title"])
    described = ""
    if "/Author" in info:
        described += (f"\n   <dc:creator><rdf:Seq><rdf:li>{escape(str(info['/Author']))}</rdf:li></rdf:Seq>"
                      "</dc:creator>")
    if "/Subject" in info:
        described += (f"\n   <dc:description><rdf:Alt><rdf:li xml:lang=\"x-default\">{escape(str(info['/Subject']))}"
                      "</rdf:li></rdf:Alt></dc:description>")
    if "/Keywords" in info:
        described += f"\n   <pdf:Keywords>{escape(str(info['/Keywords']))}</pdf:Keywords>"

    date = when.strftime("%Y-%m-%dT%H:%M:%S+00:00")
    tagged = "\n   <pdfuaid:part>1</pdfuaid:part>" if book.print.tagged else ""  # print: tagged (PDF/UA-1)
    return f"""<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about=""
    xmlns:dc="http://purl.org/dc/elements/1.1/"
    xmlns:xmp="http://ns.adobe.com/xap/1.0/"
    xmlns:xmpMM="http://ns.adobe.com/xap/1.0/mm/"
    xmlns:pdf="http://ns.adobe.com/pdf/1.3/"
    xmlns:pdfxid="http://www.npes.org/pdfx/ns/id/"
    xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/">
   <dc:title><rdf:Alt><rdf:li xml:lang="x-default">{escape(title)}</rdf:li></rdf:Alt></dc:title>
   <dc:format>application/pdf</dc:format>{described}
   <xmp:CreateDate>{date}</xmp:CreateDate>
   <xmp:ModifyDate>{date}</xmp:ModifyDate>
   <xmp:MetadataDate>{date}</xmp:MetadataDate>
   <xmp:CreatorTool>{escape(_creator())}</xmp:CreatorTool>
   <xmpMM:DocumentID>uuid:{document_id}</xmpMM:DocumentID>
   <xmpMM:InstanceID>uuid:{document_id}</xmpMM:InstanceID>
   <xmpMM:VersionID>1</xmpMM:VersionID>
   <xmpMM:RenditionClass>default</xmpMM:RenditionClass>
   <pdf:Producer>{escape(_producer())}</pdf:Producer>
   <pdf:Trapped>False</pdf:Trapped>
   <pdfxid:GTS_PDFXVersion>{version}</pdfxid:GTS_PDFXVersion>{tagged}
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>""".encode()
