#include "util.h"

#include <arpa/inet.h>
#include <errno.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#define SW_POISON(p, n) ASAN_POISON_MEMORY_REGION(p, n)
#define SW_UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION(p, n)
#else
#define SW_POISON(p, n) ((void)(p), (void)(n))
#define SW_UNPOISON(p, n) ((void)(p), (void)(n))
#endif

static void out_of_memory(void)
{
    fputs("switchd: out of memory\n", stderr);
    abort();
}

void *xmalloc(size_t size)
{
    void *p = malloc(size ? size : 1);
    if (!p) {
        out_of_memory();
    }
    return p;
}

void *xzalloc(size_t size)
{
    return xcalloc(1, size);
}

void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p) {
        out_of_memory();
    }
    return p;
}

void *xrealloc(void *p, size_t size)
{
    p = realloc(p, size ? size : 1);
    if (!p) {
        out_of_memory();
    }
    return p;
}

void *xmemdup(const void *p, size_t size)
{
    void *q = xmalloc(size);
    memcpy(q, p, size);
    return q;
}

char *xstrdup(const char *s)
{
    return xmemdup(s, strlen(s) + 1);
}

char *xstrndup(const char *s, size_t n)
{
    size_t len = strnlen(s, n);
    char *q = xmalloc(len + 1);
    memcpy(q, s, len);
    q[len] = '\0';
    return q;
}

char *xvasprintf(const char *fmt, va_list args)
{
    va_list copy;
    va_copy(copy, args);
    int n = vsnprintf(NULL, 0, fmt, copy);
    va_end(copy);
    if (n < 0) {
        return xstrdup("(formatting error)");
    }
    char *s = xmalloc((size_t)n + 1);
    vsnprintf(s, (size_t)n + 1, fmt, args);
    return s;
}

char *xasprintf(const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    char *s = xvasprintf(fmt, args);
    va_end(args);
    return s;
}

void *x2nrealloc(void *array, size_t *allocated, size_t needed,
                 size_t elem_size)
{
    if (needed <= *allocated) {
        return array;
    }
    size_t n = *allocated ? *allocated : 4;
    while (n < needed) {
        n *= 2;
    }
    *allocated = n;
    return xrealloc(array, n * elem_size);
}

bool str_to_u64(const char *s, uint64_t max, uint64_t *value)
{
    int base = 10;
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        s += 2;
    }
    if (!*s) {
        return false;
    }
    uint64_t v = 0;
    for (; *s; s++) {
        int d;
        if (*s >= '0' && *s <= '9') {
            d = *s - '0';
        } else if (base == 16 && *s >= 'a' && *s <= 'f') {
            d = *s - 'a' + 10;
        } else if (base == 16 && *s >= 'A' && *s <= 'F') {
            d = *s - 'A' + 10;
        } else {
            return false;
        }
        if (v > (UINT64_MAX - (uint64_t)d) / (uint64_t)base) {
            return false;
        }
        v = v * (uint64_t)base + (uint64_t)d;
    }
    if (v > max) {
        return false;
    }
    *value = v;
    return true;
}

char *str_escape(const char *s)
{
    size_t n = strlen(s);
    char *out = xmalloc(4 * n + 1);
    char *o = out;
    for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
        if (*c >= 0x20 && *c < 0x7f && *c != '\\') {
            *o++ = (char)*c;
        } else {
            o += sprintf(o, "\\x%02x", *c);
        }
    }
    *o = '\0';
    return out;
}

bool str_starts_with(const char *s, const char *prefix)
{
    return !strncmp(s, prefix, strlen(prefix));
}

const char *ipv4_to_str(uint32_t ip, char buf[16])
{
    snprintf(buf, 16, "%u.%u.%u.%u", (unsigned)(ip >> 24),
             (unsigned)((ip >> 16) & 0xff), (unsigned)((ip >> 8) & 0xff),
             (unsigned)(ip & 0xff));
    return buf;
}

/* ---- huge-page memory ------------------------------------------------ */

static size_t huge_mapped;
static bool huge_enabled = true;

void sw_huge_enable(bool enable)
{
    huge_enabled = enable;
}

/* Maps 'size' bytes (a multiple of SW_HUGE_PAGE) aligned to SW_HUGE_PAGE,
 * so the kernel can back them with transparent huge pages: it only does
 * for aligned 2 MiB ranges.  Over-maps by one huge page and trims. */
static void *huge_map(size_t size)
{
    size_t len = size + SW_HUGE_PAGE;
    char *raw = mmap(NULL, len, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (raw == MAP_FAILED) {
        out_of_memory();
    }
    uintptr_t a =
        ((uintptr_t)raw + SW_HUGE_PAGE - 1) & ~(uintptr_t)(SW_HUGE_PAGE - 1);
    char *p = (char *)a;
    size_t head = (size_t)(p - raw);
    if (head) {
        munmap(raw, head);
    }
    if (len - head > size) {
        munmap(p + size, len - head - size);
    }
#ifdef MADV_HUGEPAGE
    /* Only a hint: without THP ("never") the pages are small. */
    madvise(p, size, MADV_HUGEPAGE);
#endif
    huge_mapped += size;
    return p;
}

void *xhuge_zalloc(size_t size)
{
    if (size < SW_HUGE_MIN || !huge_enabled) {
        return xcalloc(1, size);
    }
    return huge_map(ROUND_UP(size, SW_HUGE_PAGE)); /* mmap zero-fills. */
}

void xhuge_free(void *p, size_t size)
{
    if (!p) {
        return;
    }
    if (size < SW_HUGE_MIN || !huge_enabled) {
        free(p);
        return;
    }
    size = ROUND_UP(size, SW_HUGE_PAGE);
    munmap(p, size);
    huge_mapped -= size;
}

size_t sw_huge_bytes(void)
{
    return huge_mapped;
}

/* ---- slab --------------------------------------------------------------- */

#define SLAB_ALIGN 16
#define SLAB_CLASSES (SW_SLAB_MAX / SLAB_ALIGN)
#define SLAB_LINE 64
#define SLAB_SKEWS (SLAB_LINE / 8)
#define SLAB_HOT_CLASSES (SW_SLAB_MAX / SLAB_LINE * SLAB_SKEWS)

struct slab_free {
    struct slab_free *next;
};

/* A chunk a class cut objects from, for sw_trim_memory(). */
struct slab_chunk {
    char *base;    /* SW_HUGE_PAGE bytes, aligned to SW_HUGE_PAGE. */
    size_t n_cut;  /* Objects cut from it so far. */
    size_t n_free; /* Scratch: its objects on the free list. */
};

struct slab_class {
    struct slab_free *free;    /* Freed objects, most recent first. */
    char *next, *end;          /* Uncut rest of the newest chunk. */
    struct slab_chunk *chunks; /* The newest last. */
    size_t n_chunks, allocated_chunks;
};

static struct slab_class slab_classes[SLAB_CLASSES];
static struct slab_class slab_hot_classes[SLAB_HOT_CLASSES];

/* Cuts an object of 'sz' bytes from class 'c', whose objects start 'skew'
 * bytes into a chunk and then every 'sz' bytes. */
static void *slab_get(struct slab_class *c, size_t sz, size_t skew)
{
    void *p;
    if (c->free) {
        struct slab_free *f = c->free;
        SW_UNPOISON(f, sz);
        c->free = f->next;
        p = f;
    } else {
        if ((size_t)(c->end - c->next) < sz) {
            /* The tail of the old chunk (under one object) is lost. */
            char *chunk = huge_map(SW_HUGE_PAGE);
            SW_POISON(chunk, SW_HUGE_PAGE);
            c->next = chunk + skew;
            c->end = chunk + SW_HUGE_PAGE;
            if (c->n_chunks >= c->allocated_chunks) {
                c->chunks = x2nrealloc(c->chunks, &c->allocated_chunks,
                                       c->n_chunks + 1, sizeof *c->chunks);
            }
            c->chunks[c->n_chunks++] = (struct slab_chunk){ chunk, 0, 0 };
        }
        p = c->next;
        c->next += sz;
        c->chunks[c->n_chunks - 1].n_cut++;
        SW_UNPOISON(p, sz);
    }
    memset(p, 0, sz);
    return p;
}

static void slab_put(struct slab_class *c, void *p, size_t sz)
{
    struct slab_free *f = p;
    f->next = c->free;
    c->free = f;
    /* ASan then reports a use after free of a slab object as it would
     * for malloc (the allocator unpoisons before reading the link). */
    SW_POISON(p, sz);
}

void *sw_slab_zalloc(size_t size)
{
    if (!size || size > SW_SLAB_MAX || !huge_enabled) {
        return xcalloc(1, size);
    }
    size_t sz = ROUND_UP(size, SLAB_ALIGN);
    return slab_get(&slab_classes[sz / SLAB_ALIGN - 1], sz, 0);
}

void sw_slab_free(void *p, size_t size)
{
    if (!p) {
        return;
    }
    if (!size || size > SW_SLAB_MAX || !huge_enabled) {
        free(p);
        return;
    }
    size_t sz = ROUND_UP(size, SLAB_ALIGN);
    slab_put(&slab_classes[sz / SLAB_ALIGN - 1], p, sz);
}

/* The class of a hot-aligned object, or NULL for the heap: the skew puts
 * byte 'hot' of every object on a line boundary. */
static struct slab_class *slab_hot_class(size_t size, size_t hot, size_t *sz,
                                         size_t *skew)
{
    *skew = (SLAB_LINE - hot % SLAB_LINE) % SLAB_LINE;
    *sz = ROUND_UP(size, SLAB_LINE);
    if (!size || *sz > SW_SLAB_MAX || *skew % 8 || !huge_enabled) {
        return NULL;
    }
    return &slab_hot_classes[(*sz / SLAB_LINE - 1) * SLAB_SKEWS + *skew / 8];
}

void *sw_slab_zalloc_hot(size_t size, size_t hot)
{
    size_t sz, skew;
    struct slab_class *c = slab_hot_class(size, hot, &sz, &skew);
    return c ? slab_get(c, sz, skew) : xcalloc(1, size);
}

void sw_slab_free_hot(void *p, size_t size, size_t hot)
{
    size_t sz, skew;
    struct slab_class *c = slab_hot_class(size, hot, &sz, &skew);
    if (!p) {
        return;
    }
    if (c) {
        slab_put(c, p, sz);
    } else {
        free(p);
    }
}

/* ---- giving memory back ----------------------------------------------- */

static int slab_chunk_cmp(const void *a_, const void *b_)
{
    const struct slab_chunk *a = a_, *b = b_;
    return a->base < b->base ? -1 : a->base > b->base;
}

static struct slab_chunk *slab_chunk_of(struct slab_class *c, const void *p)
{
    struct slab_chunk key = {
        (char *)((uintptr_t)p & ~(uintptr_t)(SW_HUGE_PAGE - 1)), 0, 0
    };
    return bsearch(&key, c->chunks, c->n_chunks, sizeof *c->chunks,
                   slab_chunk_cmp);
}

/* The free link of poisoned object 'f' (ASan: unpoisoned only while we
 * read or write it). */
static struct slab_free *slab_link_get(struct slab_free *f)
{
    SW_UNPOISON(f, sizeof *f);
    struct slab_free *next = f->next;
    SW_POISON(f, sizeof *f);
    return next;
}

static void slab_link_set(struct slab_free *f, struct slab_free *next)
{
    SW_UNPOISON(f, sizeof *f);
    f->next = next;
    SW_POISON(f, sizeof *f);
}

/* Unmaps the chunks of 'c' whose every object is free, taking their
 * objects off the free list.  Returns the bytes unmapped. */
static size_t slab_class_trim(struct slab_class *c)
{
    if (!c->n_chunks || !c->free) {
        return 0;
    }
    qsort(c->chunks, c->n_chunks, sizeof *c->chunks, slab_chunk_cmp);
    for (size_t i = 0; i < c->n_chunks; i++) {
        c->chunks[i].n_free = 0;
    }
    for (struct slab_free *f = c->free; f; f = slab_link_get(f)) {
        slab_chunk_of(c, f)->n_free++;
    }
    /* Keep the objects of chunks that stay, in their order. */
    struct slab_free *head = NULL, *last = NULL;
    for (struct slab_free *f = c->free, *next; f; f = next) {
        next = slab_link_get(f);
        const struct slab_chunk *ch = slab_chunk_of(c, f);
        if (ch->n_free != ch->n_cut) {
            if (last) {
                slab_link_set(last, f);
            } else {
                head = f;
            }
            last = f;
        }
    }
    if (last) {
        slab_link_set(last, NULL);
    }
    size_t unmapped = 0;
    size_t kept = 0;
    for (size_t i = 0; i < c->n_chunks; i++) {
        struct slab_chunk *ch = &c->chunks[i];
        if (ch->n_cut && ch->n_free == ch->n_cut) {
            if (c->next > ch->base && c->next <= ch->base + SW_HUGE_PAGE) {
                c->next = c->end = NULL; /* It was the newest. */
            }
            SW_UNPOISON(ch->base, SW_HUGE_PAGE);
            munmap(ch->base, SW_HUGE_PAGE);
            huge_mapped -= SW_HUGE_PAGE;
            unmapped += SW_HUGE_PAGE;
        } else {
            c->chunks[kept++] = *ch;
        }
    }
    c->n_chunks = kept;
    c->free = head;
    return unmapped;
}

void sw_trim_memory(void)
{
    for (size_t i = 0; i < SLAB_CLASSES; i++) {
        slab_class_trim(&slab_classes[i]);
    }
    for (size_t i = 0; i < SLAB_HOT_CLASSES; i++) {
        slab_class_trim(&slab_hot_classes[i]);
    }
    malloc_trim(0);
}
