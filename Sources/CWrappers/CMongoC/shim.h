#ifndef CMONGOC_SHIM_H
#define CMONGOC_SHIM_H

// libmongoc + libbson through pkg-config ("libmongoc-1.0" pulls in "libbson-1.0"'s include path).
#include <mongoc/mongoc.h>
#include <bson/bson.h>
#include <stdlib.h>

// bson_t and bson_iter_t are declared 128-byte aligned, which Swift cannot reproduce in its own
// memory (it imports their pointers as OpaquePointer). Out-parameters (`bson_t reply`, iterators)
// therefore live in C-allocated, correctly aligned storage made by these helpers.

/// An initialised empty bson_t in aligned heap storage; free it with cmongoc_bson_free.
static inline bson_t *cmongoc_bson_alloc(void) {
    void *p = NULL;
    if (posix_memalign(&p, 128, sizeof(bson_t)) != 0) { return NULL; }
    bson_init((bson_t *)p);
    return (bson_t *)p;
}

/// Releases what the bson_t holds (bson_destroy) and then its aligned storage.
static inline void cmongoc_bson_free(bson_t *b) {
    if (b == NULL) { return; }
    bson_destroy(b);
    free(b);
}

/// Uninitialised aligned storage for one bson_t, for bson_append_document_begin/array_begin's child
/// (which needs no bson_destroy after the matching _end); release it with free().
static inline bson_t *cmongoc_bson_storage_alloc(void) {
    void *p = NULL;
    if (posix_memalign(&p, 128, sizeof(bson_t)) != 0) { return NULL; }
    return (bson_t *)p;
}

static inline void cmongoc_storage_free(void *p) { free(p); }

/// Aligned storage for one bson_iter_t; free it with cmongoc_iter_free.
static inline bson_iter_t *cmongoc_iter_alloc(void) {
    void *p = NULL;
    if (posix_memalign(&p, 128, sizeof(bson_iter_t)) != 0) { return NULL; }
    return (bson_iter_t *)p;
}

static inline void cmongoc_iter_free(bson_iter_t *it) { free(it); }

/// Aligned storage for `count` bson_t, each made a read-only view of bytes the caller keeps alive
/// (cmongoc_bson_view): a batch of documents without a libbson allocation each. Release with free().
static inline bson_t *cmongoc_bson_views_alloc(size_t count) {
    void *p = NULL;
    if (posix_memalign(&p, 128, sizeof(bson_t) * (count == 0 ? 1 : count)) != 0) { return NULL; }
    return (bson_t *)p;
}

/// Makes views[index] a read-only bson_t over `length` bytes at `data` (bson_init_static: nothing is
/// copied, nothing needs bson_destroy). Returns views + index, or NULL when the bytes are no document.
static inline const bson_t *cmongoc_bson_view(bson_t *views, size_t index, const uint8_t *data, size_t length) {
    return bson_init_static(&views[index], data, length) ? &views[index] : NULL;
}

/// The document's length in bytes (bson_t.len; Swift cannot reach the field of an opaque bson_t).
static inline uint32_t cmongoc_bson_len(const bson_t *b) { return b->len; }

// MONGOC_ERROR_API_VERSION_2 is a macro with a cast-free int value Swift would import, but keep
// the version explicit here so the call site reads like the documentation.
static inline bool cmongoc_client_pool_use_error_api_v2(mongoc_client_pool_t *pool) {
    return mongoc_client_pool_set_error_api(pool, MONGOC_ERROR_API_VERSION_2);
}

#endif
