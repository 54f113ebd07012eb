#!/usr/bin/env python3
"""mkfixtures.py - build the DOCX fixtures of tests/docxread from XML kept
here, and offer package() / document() to tests/prop/docxread_*.sh.

    python3 tests/docxread/mkfixtures.py      (re-creates the .docx files)

The fixtures are committed; re-running gives byte-identical files (fixed
timestamps, fixed order).  Each NAME.docx has NAME.expect.tree next to it.
"""
import os
import sys
import zipfile

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PR = "http://schemas.openxmlformats.org/package/2006/relationships"
RT = R  # relationship types share the prefix
NS = ('xmlns:w="%s" xmlns:r="%s" '
      'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
      'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
      'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
      'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
      'xmlns:v="urn:schemas-microsoft-com:vml" '
      'xmlns:o="urn:schemas-microsoft-com:office:office"' % (W, R))
HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
MAIN_CT = ("application/vnd.openxmlformats-officedocument."
           "wordprocessingml.document.main+xml")


def content_types(main="word/document.xml", ct=MAIN_CT):
    return (HEAD + '<Types xmlns="http://schemas.openxmlformats.org/package/'
            '2006/content-types"><Default Extension="rels" ContentType='
            '"application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/%s" ContentType="%s"/></Types>' % (main, ct))


def rels(items):
    """items: (id, type suffix or full URI, target[, external])."""
    out = [HEAD, '<Relationships xmlns="%s">' % PR]
    for it in items:
        typ = it[1] if "://" in it[1] else RT + "/" + it[1]
        mode = ' TargetMode="External"' if len(it) > 3 and it[3] else ""
        out.append('<Relationship Id="%s" Type="%s" Target="%s"%s/>'
                   % (it[0], typ, it[2], mode))
    out.append("</Relationships>")
    return "".join(out)


def document(body, ns=NS):
    return HEAD + "<w:document %s><w:body>%s</w:body></w:document>" % (ns, body)


def package(path, parts, method=zipfile.ZIP_DEFLATED):
    """Write parts (list of (name, str or bytes)) in order to path."""
    with zipfile.ZipFile(path, "w") as z:
        for name, data in parts:
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = method
            z.writestr(info, data.encode() if isinstance(data, str) else data)


def docx(path, body, styles=None, numbering=None, core=None, doc_rels=(),
         footnotes=None, extra=()):
    """A complete small package around body."""
    parts = [("[Content_Types].xml", content_types())]
    top = [("rId1", "officeDocument", "word/document.xml")]
    if core is not None:
        top.append(("rId2", "http://schemas.openxmlformats.org/package/2006/"
                    "relationships/metadata/core-properties",
                    "docProps/core.xml"))
    parts.append(("_rels/.rels", rels(top)))
    parts.append(("word/document.xml", document(body)))
    dr = list(doc_rels)
    if styles is not None:
        dr.append(("rIdS", "styles", "styles.xml"))
    if numbering is not None:
        dr.append(("rIdN", "numbering", "numbering.xml"))
    if footnotes is not None:
        dr.append(("rIdF", "footnotes", "footnotes.xml"))
    if dr:
        parts.append(("word/_rels/document.xml.rels", rels(dr)))
    if styles is not None:
        parts.append(("word/styles.xml", HEAD + '<w:styles %s>%s</w:styles>'
                      % (NS, styles)))
    if numbering is not None:
        parts.append(("word/numbering.xml", HEAD + '<w:numbering %s>%s'
                      '</w:numbering>' % (NS, numbering)))
    if footnotes is not None:
        parts.append(("word/footnotes.xml", HEAD + '<w:footnotes %s>%s'
                      '</w:footnotes>' % (NS, footnotes)))
    if core is not None:
        parts.append(("docProps/core.xml", HEAD + core))
    parts.extend(extra)
    package(path, parts)


def p(text, style=None, ppr="", rpr=""):
    st = '<w:pStyle w:val="%s"/>' % style if style else ""
    pp = "<w:pPr>%s%s</w:pPr>" % (st, ppr) if st or ppr else ""
    rp = "<w:rPr>%s</w:rPr>" % rpr if rpr else ""
    run = '<w:r>%s<w:t xml:space="preserve">%s</w:t></w:r>' % (rp, text) \
        if text else ""
    return "<w:p>%s%s</w:p>" % (pp, run)


def r(text, rpr=""):
    rp = "<w:rPr>%s</w:rPr>" % rpr if rpr else ""
    return '<w:r>%s<w:t xml:space="preserve">%s</w:t></w:r>' % (rp, text)


def style(sid, name, typ="paragraph", based=None, ppr="", rpr="", default=False):
    return ('<w:style w:type="%s" w:styleId="%s"%s><w:name w:val="%s"/>%s'
            '%s%s</w:style>' % (typ, sid, ' w:default="1"' if default else "",
                                name, '<w:basedOn w:val="%s"/>' % based
                                if based else "",
                                "<w:pPr>%s</w:pPr>" % ppr if ppr else "",
                                "<w:rPr>%s</w:rPr>" % rpr if rpr else ""))


STYLES = "".join([
    style("Normal", "Normal", default=True),
    style("Title", "Title", based="Normal"),
    style("Heading1", "heading 1", based="Normal",
          ppr='<w:outlineLvl w:val="0"/>', rpr="<w:b/>"),
    style("Heading2", "heading 2", based="Normal",
          ppr='<w:outlineLvl w:val="1"/>'),
    style("a5", "标题 2", based="Normal"),            # WPS
    style("a6", "标题3", based="Normal"),             # no space
    style("a7", "标题", based="Normal"),              # WPS title
    style("Titre1", "Titre 1", based="Normal"),       # French Word
    style("MyHead", "My heading", based="Heading1"),  # custom on Heading1
    style("Outline2", "Outline two", ppr='<w:outlineLvl w:val="1"/>'),
    style("Subtitle", "Subtitle", based="Title"),
    style("Strong", "Strong", typ="character", rpr="<w:b/>"),
    style("NotStrong", "Not strong", typ="character", based="Strong",
          rpr='<w:b w:val="0"/><w:i/>'),
    style("VerbatimChar", "Verbatim Char", typ="character"),
    style("SourceCode", "Source Code", based="Normal"),
    style("BlockText", "Block Text", based="Normal"),
    style("ListBullet", "List Bullet", based="Normal",
          ppr='<w:numPr><w:numId w:val="1"/></w:numPr>'),
])


def fixtures(d):
    docx(os.path.join(d, "headings.docx"), "".join([
        p("The title", "Title"),
        p("Subtitle text", "Subtitle"),
        p("By ID", "Heading1"),
        p("By name, WPS", "a5"),
        p("标题三级", "a6"),
        p("French", "Titre1"),
        p("Based on Heading1", "MyHead"),
        p("Style outline level", "Outline2"),
        p("Direct outline level", None, '<w:outlineLvl w:val="3"/>'),
        p("Body with outlineLvl 9", "Heading2", '<w:outlineLvl w:val="9"/>'),
        "<w:p>" + r("plain ") + r("bold", "<w:b/>") + r(" ")
        + r("off", '<w:b w:val="0"/>') + r(" ")
        + r("italic", "<w:i/>") + r(" ")
        + r("both", "<w:b/><w:i/>") + r(" ")
        + r("strong style", '<w:rStyle w:val="Strong"/>') + r(" ")
        + r("based, bold off", '<w:rStyle w:val="NotStrong"/>') + r(" ")
        + r("x = 1", '<w:rStyle w:val="VerbatimChar"/>') + r(" ")
        + r("mono", '<w:rFonts w:ascii="Courier New" w:hAnsi="Courier New"/>')
        + "</w:p>",
        p("int main(void)", "SourceCode"),
        p("{ return 0; }", "SourceCode"),
        p("A quotation.", "BlockText"),
        p("中文标题", "a7"),
    ]), styles=STYLES)

    num = "".join([
        '<w:abstractNum w:abstractNumId="0">'
        '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="bullet"/>'
        '<w:lvlText w:val="\u2022"/></w:lvl>'
        '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="bullet"/>'
        '<w:lvlText w:val="\uf0a7"/></w:lvl></w:abstractNum>',
        '<w:abstractNum w:abstractNumId="1">'
        '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/>'
        '<w:lvlText w:val="%1."/></w:lvl>'
        '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/>'
        '<w:lvlText w:val="%2)"/></w:lvl></w:abstractNum>',
        '<w:abstractNum w:abstractNumId="2">'
        '<w:lvl w:ilvl="0"><w:start w:val="1"/>'
        '<w:numFmt w:val="decimalEnclosedCircle"/><w:lvlText w:val="%1"/>'
        '</w:lvl></w:abstractNum>',
        '<w:abstractNum w:abstractNumId="3">'
        '<w:lvl w:ilvl="0"><w:start w:val="3"/><w:numFmt w:val="upperLetter"/>'
        '<w:lvlText w:val="%1"/></w:lvl></w:abstractNum>',
        '<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>',
        '<w:num w:numId="2"><w:abstractNumId w:val="1"/></w:num>',
        '<w:num w:numId="3"><w:abstractNumId w:val="1"/>'
        '<w:lvlOverride w:ilvl="0"><w:startOverride w:val="5"/>'
        '</w:lvlOverride></w:num>',
        '<w:num w:numId="4"><w:abstractNumId w:val="2"/></w:num>',
        '<w:num w:numId="5"><w:abstractNumId w:val="3"/></w:num>',
    ])

    def li(text, num_id, ilvl=0):
        return p(text, None, '<w:numPr><w:ilvl w:val="%d"/><w:numId w:val='
                 '"%d"/></w:numPr>' % (ilvl, num_id))
    docx(os.path.join(d, "lists.docx"), "".join([
        li("bullet one", 1), li("nested bullet", 1, 1), li("bullet two", 1),
        p("By list style", "ListBullet"),
        p("between"),
        li("first", 2), li("sub a", 2, 1), li("sub b", 2, 1), li("second", 2),
        p("interrupted"),
        li("third (continued)", 2),
        li("restart at five", 3), li("six", 3),
        li("circled", 4), li("circled two", 4),
        li("upper from C", 5),
        p("not a list", None, '<w:numPr><w:ilvl w:val="0"/><w:numId '
          'w:val="0"/></w:numPr>'),
    ]), styles=STYLES, numbering=num)

    # Paid sections as our writer writes them (content control tagged paid
    # plus bookmark paid_N), and as a bare bookmark pair.
    docx(os.path.join(d, "paid.docx"), "".join([
        p("Free preview."),
        '<w:sdt><w:sdtPr><w:alias w:val="Paid content"/><w:tag w:val="paid"/>'
        '<w:id w:val="1"/></w:sdtPr><w:sdtContent>'
        '<w:bookmarkStart w:id="1" w:name="paid_1"/>'
        + p("Paid one.") + p("Paid two.", "Heading2") +
        '<w:bookmarkEnd w:id="1"/></w:sdtContent></w:sdt>',
        p("Free again."),
        '<w:p><w:r><w:br w:type="page"/></w:r></w:p>',
        '<w:p><w:pPr><w:pStyle w:val="Heading2"/><w:rPr><w:vanish/>'
        '<w:specVanish/></w:rPr></w:pPr>' + r("Run-in heading.")
        + "</w:p>",
        p("Body continues on the heading line."),
        '<w:p><w:bookmarkStart w:id="7" w:name="paid_2"/>' + r("Bookmarked")
        + "</w:p>",
        "<w:p>" + r("paid ") + '<w:hyperlink r:id="rIdL">'
        + r("link", '<w:rStyle w:val="Hyperlink"/>') + "</w:hyperlink>"
        + r(" and ") + '<w:hyperlink w:anchor="sec">' + r("anchor")
        + "</w:hyperlink>" + '<w:bookmarkEnd w:id="7"/></w:p>',
        "<w:p>" + r("line one") + "<w:r><w:br/></w:r>" + r("line two")
        + "<w:r><w:tab/></w:r>" + r("after tab")
        + '<w:r><w:lastRenderedPageBreak/><w:t>same para</w:t></w:r>'
        + '<w:r><w:br w:type="page"/></w:r>' + r("after page break")
        + "</w:p>",
        p("Break before", None, "<w:pageBreakBefore/>"),
        '<w:p><w:pPr><w:pBdr><w:bottom w:val="single" w:sz="6"/></w:pBdr>'
        '</w:pPr></w:p>',
        p("End."),
    ]), styles=STYLES,
        doc_rels=[("rIdL", "hyperlink", "https://example.com/a?b=1&amp;c=2",
                   True)])

    textbox = ('<w:txbxContent>' + p("Text box text.") + '</w:txbxContent>')
    core = ('<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/'
            'package/2006/metadata/core-properties" xmlns:dc="http://purl.org/'
            'dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
            '<dc:title>Mixed content</dc:title><dc:creator>张三</dc:creator>'
            '<dcterms:created xsi:type="dcterms:W3CDTF">2024-03-05T00:00:00Z'
            '</dcterms:created><dcterms:modified xsi:type="dcterms:W3CDTF">'
            '2024-04-01T10:00:00Z</dcterms:modified></cp:coreProperties>')
    foot = ('<w:footnote w:type="separator" w:id="-1"><w:p><w:r>'
            '<w:separator/></w:r></w:p></w:footnote>'
            '<w:footnote w:id="1"><w:p><w:r><w:footnoteRef/></w:r>'
            + r(" The footnote.") + '</w:p></w:footnote>')
    docx(os.path.join(d, "mixed.docx"), "".join([
        "<w:tbl><w:tblPr/><w:tblGrid><w:gridCol/></w:tblGrid>"
        "<w:tr><w:tc><w:tcPr/>" + p("cell 1") + "</w:tc><w:tc>"
        + p("cell 2") + "</w:tc></w:tr><w:tr><w:tc><w:tbl><w:tr><w:tc>"
        + p("nested cell") + "</w:tc></w:tr></w:tbl>" + p("") +
        "</w:tc></w:tr></w:tbl>",
        "<w:p>" + r("Anchor paragraph") + "<w:r><mc:AlternateContent>"
        '<mc:Choice Requires="wps"><w:drawing><wp:anchor><a:graphic>'
        '<a:graphicData><wps:wsp><wps:txbx>' + textbox +
        '</wps:txbx></wps:wsp></a:graphicData></a:graphic></wp:anchor>'
        '</w:drawing></mc:Choice><mc:Fallback><w:pict><v:shape><v:textbox>'
        + textbox + '</v:textbox></v:shape></w:pict></mc:Fallback>'
        '</mc:AlternateContent></w:r>' + r(" continues.") + "</w:p>",
        '<w:p><mc:AlternateContent><mc:Choice Requires="x99">'
        + r("unknown branch") + '</mc:Choice><mc:Fallback>'
        + r("fallback branch") + '</mc:Fallback></mc:AlternateContent></w:p>',
        "<w:p>" + r("Kept ") + '<w:ins w:id="1" w:author="a">' + r("inserted")
        + '</w:ins><w:del w:id="2" w:author="a"><w:r><w:delText>deleted'
        '</w:delText></w:r></w:del>' + r(" text") + "</w:p>",
        '<w:p><w:moveFrom w:id="3">' + r("moved") + '</w:moveFrom>'
        + r("Stay ") + '<w:moveTo w:id="4">' + r("moved") + '</w:moveTo></w:p>',
        "<w:p>" + '<w:smartTag w:element="place">' + r("smart")
        + '</w:smartTag>' + r(" ") + '<w:customXml w:element="x">'
        + r("custom") + '</w:customXml>' + r(" ")
        + '<w:fldSimple w:instr=" PAGE ">' + r("7") + '</w:fldSimple>'
        + r(" ") + '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r>'
        '<w:instrText> DATE </w:instrText></w:r><w:r><w:fldChar '
        'w:fldCharType="separate"/></w:r>' + r("field result")
        + '<w:r><w:fldChar w:fldCharType="end"/></w:r>' + "</w:p>",
        '<w:sdt><w:sdtPr><w:tag w:val="other"/></w:sdtPr><w:sdtContent>'
        + p("In a content control.") + '</w:sdtContent></w:sdt>',
        "<w:p>" + '<w:commentRangeStart w:id="0"/>' + r("Commented")
        + '<w:commentRangeEnd w:id="0"/><w:r><w:commentReference w:id="0"/>'
        '</w:r>' + r(" and noted") + '<w:r><w:footnoteReference w:id="1"/>'
        '</w:r>' + r(".") + "</w:p>",
        '<w:sectPr><w:pgSz w:w="11906" w:h="16838"/></w:sectPr>',
    ]), styles=STYLES, core=core, footnotes=foot,
        extra=[("word/comments.xml", HEAD + '<w:comments %s><w:comment '
                'w:id="0"><w:p>%s</w:p></w:comment></w:comments>'
                % (NS, r("comment text")))])

    # A macro-enabled document (.docm content): read, macros ignored.
    package(os.path.join(d, "macro.docx"), [
        ("[Content_Types].xml", content_types(
            ct="application/vnd.ms-word.document.macroEnabled.main+xml")),
        ("_rels/.rels", rels([("rId1", "officeDocument",
                               "word/document.xml")])),
        ("word/document.xml", document(p("Text of a .docm file."))),
        ("word/_rels/document.xml.rels", rels([
            ("rId9", "http://schemas.microsoft.com/office/2006/relationships/"
             "vbaProject", "vbaProject.bin")])),
        ("word/vbaProject.bin", b"\xd0\xcf\x11\xe0not really a macro"),
    ])

    # ISO 29500 Strict namespaces.
    sw = "http://purl.oclc.org/ooxml/wordprocessingml/main"
    sns = 'xmlns:w="%s" xmlns:r="http://purl.oclc.org/ooxml/officeDocument/' \
        'relationships"' % sw
    package(os.path.join(d, "strict.docx"), [
        ("[Content_Types].xml", content_types()),
        ("_rels/.rels", rels([("rId1", "http://purl.oclc.org/ooxml/"
                               "officeDocument/relationships/officeDocument",
                               "word/document.xml")])),
        ("word/document.xml", document(
            '<w:p><w:pPr><w:pStyle w:val="Heading1"/></w:pPr>'
            '<w:r><w:t>Strict heading</w:t></w:r></w:p>'
            '<w:p><w:r><w:rPr><w:b w:val="true"/></w:rPr><w:t>Strict body'
            '</w:t></w:r></w:p>', sns)),
        ("word/_rels/document.xml.rels", rels([
            ("rId1", "http://purl.oclc.org/ooxml/officeDocument/"
             "relationships/styles", "styles.xml")])),
        ("word/styles.xml", HEAD + '<w:styles %s>%s</w:styles>'
         % (sns, style("Heading1", "heading 1"))),
    ])


if __name__ == "__main__":
    fixtures(os.path.dirname(os.path.abspath(__file__)))
