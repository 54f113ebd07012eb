/*
 * xmlmod.c - the entry of the module paidoc-xml.so: the DOCX and HTML
 * readers and the DOCX writer, the converters that need libxml2 and
 * libzip.  Only the paidoc program uses it (see cli_xml.c); the library
 * links these converters directly.
 */
#include "internal.h"

const struct pd_xml_module pd_xml_module = {
    PD_VERSION, pd_read_docx, pd_write_docx, pd_read_html
};
