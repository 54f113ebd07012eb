/*
 * cli_xml.c - the paidoc program's DOCX and HTML readers and DOCX writer,
 * loaded the first time one of them is called.
 *
 * They need libxml2 and libzip, and with them ICU, libstdc++ and
 * libcrypto.  Linked into the program, the dynamic loader spent about
 * 7 of the 10 ms that `paidoc --version` took relocating those
 * libraries, on every run, also when the input is text and the output
 * HTML or Markdown.  So the program is linked without them, and these
 * three functions open the module paidoc-xml.so (src/xmlmod.c and the
 * converters) on first use.  The library, libpaidoc, still links the
 * converters directly.
 *
 * The module is looked for
 *   1. next to the program (the build tree: build/paidoc-xml.so),
 *   2. in ../lib/paidoc/ from the program (an installed tree wherever it
 *      was copied to, such as a DESTDIR stage),
 *   3. in PD_PKGLIBDIR, the directory make install puts it in.
 * The program's own file comes from /proc/self/exe, so a symbolic link
 * to the program finds the module of the program it points to.
 */
#include <dlfcn.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

#ifndef PD_PKGLIBDIR
#define PD_PKGLIBDIR "/usr/local/lib/paidoc"
#endif
#define MODULE "paidoc-xml.so"

static const struct pd_xml_module *module;

/*
 * Open path as the module.  Returns 1 when it is loaded, 0 when there is
 * no such file, -1 (why filled in) when the file is there but unusable.
 */
static int
try_open(const char *path, char *why, size_t cap)
{
    const struct pd_xml_module *m;
    void *h;
    const char *e;

    if (access(path, F_OK) != 0)
        return 0;
    /* Now: an unresolved symbol fails here, not in the middle of a run. */
    h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (h == NULL) {
        e = dlerror();
        snprintf(why, cap, "%s", e ? e : path);
        return -1;
    }
    m = dlsym(h, "pd_xml_module");
    if (m == NULL) {
        snprintf(why, cap, "%s: not a paidoc module", path);
        dlclose(h);
        return -1;
    }
    if (m->version == NULL || strcmp(m->version, PD_VERSION) != 0) {
        snprintf(why, cap, "%s is from paidoc %s, this is paidoc %s", path,
                 m->version ? m->version : "?", PD_VERSION);
        dlclose(h);
        return -1;
    }
    module = m;                 /* kept open until the program exits */
    return 1;
}

/* Load the module unless it is loaded; 0, or -1 with an error in d. */
static int
load(struct pd_diag *d)
{
    char exe[PATH_MAX], path[PATH_MAX + 32], why[PATH_MAX + 128];
    ssize_t n;
    char *slash;
    int r = 0;

    if (module != NULL)
        return 0;
    why[0] = '\0';
    n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    if (n > 0 && (size_t)n < sizeof(exe) - 1) {
        exe[n] = '\0';
        slash = strrchr(exe, '/');
        if (slash != NULL) {
            *slash = '\0';
            snprintf(path, sizeof(path), "%s/%s", exe, MODULE);
            r = try_open(path, why, sizeof(why));
            if (r == 0) {
                snprintf(path, sizeof(path), "%s/../lib/paidoc/%s", exe,
                         MODULE);
                r = try_open(path, why, sizeof(why));
            }
        }
    }
    if (r == 0)
        r = try_open(PD_PKGLIBDIR "/" MODULE, why, sizeof(why));
    if (r == 1)
        return 0;
    if (r == 0)
        snprintf(why, sizeof(why), "%s is neither next to the program nor "
                 "in %s", MODULE, PD_PKGLIBDIR);
    return pd_error(d, PD_ERR_INTERNAL, 0,
                    "DOCX and HTML input and DOCX output are not available: "
                    "%s", why);
}

int
pd_read_docx(struct pd_doc *doc, const unsigned char *in, size_t len,
             const struct pd_opts *opts, struct pd_diag *d)
{
    return load(d) ? -1 : module->read_docx(doc, in, len, opts, d);
}

int
pd_write_docx(const struct pd_doc *doc, struct pd_buf *out,
              const struct pd_opts *opts, struct pd_diag *d)
{
    return load(d) ? -1 : module->write_docx(doc, out, opts, d);
}

int
pd_read_html(struct pd_doc *doc, const unsigned char *in, size_t len,
             const struct pd_opts *opts, struct pd_diag *d)
{
    return load(d) ? -1 : module->read_html(doc, in, len, opts, d);
}
