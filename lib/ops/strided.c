/* The strided-view copy engine. The view is first simplified (size-1 axes dropped,
 * axes that are contiguous in the source merged), then copied by the cheapest of
 * three inner loops: whole rows, broadcast fills, or tiled 2-D transposes. */
#include "ops/strided.h"

#include <string.h>

/* Views may have up to twice the tensor rank: Tile splits each axis in two. */
#define MAX_RANK 16
#define TILE 32

void segi_fill_elems(void *dst, const void *value, size_t esize, size_t n)
{
    char *d = dst;
    if (n == 0)
        return;
    memcpy(d, value, esize);
    /* Doubling copies keep memcpy calls logarithmic in n. */
    size_t done = 1;
    while (done < n) {
        size_t k = done < n - done ? done : n - done;
        memcpy(d + done * esize, d, k * esize);
        done += k;
    }
}

/* Typed inner loops: a strided row gather and a 2-D tile transpose. */
#define DEFINE_LOOPS(T)                                                                  \
    static void gather_##T(T *dst, const T *src, int64_t stride, int64_t n)              \
    {                                                                                    \
        for (int64_t i = 0; i < n; i++)                                                  \
            dst[i] = src[i * stride];                                                    \
    }                                                                                    \
    /* dst[a * dst_row + b] = src[a + b * src_col] for a < na, b < nb. The inner loop  \
     * runs along the smaller of the two big strides: large power-of-two strides map  \
     * a tile's lines onto one cache set. */                                             \
    static void tile_##T(T *dst, int64_t dst_row, const T *src, int64_t src_col,         \
                         int64_t na, int64_t nb)                                         \
    {                                                                                    \
        for (int64_t a0 = 0; a0 < na; a0 += TILE)                                        \
            for (int64_t b0 = 0; b0 < nb; b0 += TILE) {                                  \
                int64_t a1 = a0 + TILE < na ? a0 + TILE : na;                            \
                int64_t b1 = b0 + TILE < nb ? b0 + TILE : nb;                            \
                if (src_col > dst_row) {                                                 \
                    for (int64_t b = b0; b < b1; b++)                                    \
                        for (int64_t a = a0; a < a1; a++)                                \
                            dst[a * dst_row + b] = src[a + b * src_col];                 \
                } else {                                                                 \
                    for (int64_t a = a0; a < a1; a++)                                    \
                        for (int64_t b = b0; b < b1; b++)                                \
                            dst[a * dst_row + b] = src[a + b * src_col];                 \
                }                                                                        \
            }                                                                            \
    }

DEFINE_LOOPS(uint8_t)
DEFINE_LOOPS(uint16_t)
DEFINE_LOOPS(uint32_t)
DEFINE_LOOPS(uint64_t)

static void gather_row(void *dst, const void *src, size_t esize, int64_t stride, int64_t n)
{
    switch (esize) {
    case 1: gather_uint8_t(dst, src, stride, n); break;
    case 2: gather_uint16_t(dst, src, stride, n); break;
    case 4: gather_uint32_t(dst, src, stride, n); break;
    default: gather_uint64_t(dst, src, stride, n); break;
    }
}

static void tile(void *dst, int64_t dst_row, const void *src, int64_t src_col, size_t esize,
                 int64_t na, int64_t nb)
{
    switch (esize) {
    case 1: tile_uint8_t(dst, dst_row, src, src_col, na, nb); break;
    case 2: tile_uint16_t(dst, dst_row, src, src_col, na, nb); break;
    case 4: tile_uint32_t(dst, dst_row, src, src_col, na, nb); break;
    default: tile_uint64_t(dst, dst_row, src, src_col, na, nb); break;
    }
}

typedef struct view {
    int rank;
    int64_t dims[MAX_RANK];
    int64_t src[MAX_RANK];  /* source strides, elements */
    int64_t dst[MAX_RANK];  /* dense destination strides, elements */
} view;

/* Drop size-1 axes and merge neighbours that are contiguous in both source and
 * destination, so that e.g. a [1, C, H, W] -> [1, H, W, C] transpose becomes a plain
 * [C, HW] -> [HW, C] one. Returns false when the view is empty. */
static int simplify(view *v, int rank, const int64_t *dims, const int64_t *strides)
{
    v->rank = 0;
    for (int d = 0; d < rank; d++) {
        if (dims[d] == 0)
            return 0;
        if (dims[d] == 1)
            continue;
        int r = v->rank;
        if (r > 0 && v->src[r - 1] == strides[d] * dims[d]) {
            v->dims[r - 1] *= dims[d];
            v->src[r - 1] = strides[d];
            continue;
        }
        v->dims[r] = dims[d];
        v->src[r] = strides[d];
        v->rank++;
    }
    int64_t s = 1;
    for (int d = v->rank - 1; d >= 0; d--) {
        v->dst[d] = s;
        s *= v->dims[d];
    }
    return 1;
}

/* Walk every index of the axes in `axes` (odometer order), calling `body` with the
 * source and destination element offsets. */
typedef struct walk {
    const view *v;
    int n;
    int axes[MAX_RANK];
} walk;

#define WALK(w, src_off, dst_off, body)                                                  \
    do {                                                                                 \
        int64_t idx_[MAX_RANK] = {0};                                                    \
        int64_t src_off = 0, dst_off = 0;                                                \
        for (;;) {                                                                       \
            body;                                                                        \
            int k_ = (w).n - 1;                                                          \
            for (; k_ >= 0; k_--) {                                                      \
                int ax_ = (w).axes[k_];                                                  \
                src_off += (w).v->src[ax_];                                              \
                dst_off += (w).v->dst[ax_];                                              \
                if (++idx_[k_] < (w).v->dims[ax_])                                       \
                    break;                                                               \
                src_off -= (w).v->src[ax_] * idx_[k_];                                   \
                dst_off -= (w).v->dst[ax_] * idx_[k_];                                   \
                idx_[k_] = 0;                                                            \
            }                                                                            \
            if (k_ < 0)                                                                  \
                break;                                                                   \
        }                                                                                \
    } while (0)

void segi_strided_copy(void *dst, const void *src, size_t esize, int rank,
                       const int64_t *dims, const int64_t *strides)
{
    view v;
    if (!simplify(&v, rank, dims, strides))
        return;
    char *d = dst;
    const char *s = src;
    if (v.rank == 0) {
        memcpy(d, s, esize);
        return;
    }
    int last = v.rank - 1;
    int64_t n = v.dims[last], stride = v.src[last];
    int transpose_axis = -1;
    for (int a = 0; a < last && stride != 1 && stride != 0; a++)
        if (v.src[a] == 1)
            transpose_axis = a;

    walk w = {&v, 0, {0}};
    for (int a = 0; a < last; a++)
        if (a != transpose_axis)
            w.axes[w.n++] = a;
    int64_t es = (int64_t)esize;
    if (transpose_axis >= 0) {
        int64_t na = v.dims[transpose_axis], row = v.dst[transpose_axis];
        WALK(w, so, doff, tile(d + doff * es, row, s + so * es, stride, esize, na, n));
    } else if (stride == 1) {
        WALK(w, so, doff, memcpy(d + doff * es, s + so * es, (size_t)n * esize));
    } else if (stride == 0) {
        WALK(w, so, doff, segi_fill_elems(d + doff * es, s + so * es, esize, (size_t)n));
    } else {
        WALK(w, so, doff, gather_row(d + doff * es, s + so * es, esize, stride, n));
    }
}

/* The last axis's map, analysed once per call into segments: fills, contiguous runs
 * (memcpy) and everything else (element gathers). */
enum { SEG_FILL, SEG_COPY, SEG_GATHER };
#define MAX_SEGMENTS 16
#define MIN_RUN 16

typedef struct segment {
    int kind;
    int64_t at, n;
} segment;

/* Returns the segment count, or 0 when the map is too irregular for the table (then
 * the whole row is one gather with fills). */
static int split_row(const int64_t *map, int64_t n, segment *seg)
{
    int count = 0;
    int64_t x = 0;
    while (x < n) {
        int64_t r = x + 1;
        int kind;
        if (map[x] < 0) {
            while (r < n && map[r] < 0)
                r++;
            kind = SEG_FILL;
        } else {
            while (r < n && map[r] == map[r - 1] + 1)
                r++;
            kind = r - x >= MIN_RUN ? SEG_COPY : SEG_GATHER;
        }
        if (kind == SEG_GATHER && count > 0 && seg[count - 1].kind == SEG_GATHER) {
            seg[count - 1].n += r - x;
        } else {
            if (count == MAX_SEGMENTS)
                return 0;
            seg[count++] = (segment){kind, x, r - x};
        }
        x = r;
    }
    return count;
}

#define DEFINE_MAP_GATHER(T)                                                             \
    static void map_gather_##T(T *dst, const T *src, const int64_t *map, int64_t n,      \
                               T fill)                                                   \
    {                                                                                    \
        for (int64_t i = 0; i < n; i++)                                                  \
            dst[i] = map[i] < 0 ? fill : src[map[i]];                                    \
    }

DEFINE_MAP_GATHER(uint8_t)
DEFINE_MAP_GATHER(uint16_t)
DEFINE_MAP_GATHER(uint32_t)
DEFINE_MAP_GATHER(uint64_t)

static void map_gather(char *dst, const char *src, const int64_t *map, int64_t n,
                       size_t esize, const void *fill)
{
    switch (esize) {
    case 1: map_gather_uint8_t((uint8_t *)dst, (const uint8_t *)src, map, n,
                               *(const uint8_t *)fill); break;
    case 2: { uint16_t f; memcpy(&f, fill, 2);
              map_gather_uint16_t((uint16_t *)dst, (const uint16_t *)src, map, n, f); break; }
    case 4: { uint32_t f; memcpy(&f, fill, 4);
              map_gather_uint32_t((uint32_t *)dst, (const uint32_t *)src, map, n, f); break; }
    default: { uint64_t f; memcpy(&f, fill, 8);
               map_gather_uint64_t((uint64_t *)dst, (const uint64_t *)src, map, n, f); break; }
    }
}

static void mapped_row(char *dst, const char *src, const int64_t *map, int64_t n,
                       size_t esize, const void *fill, const segment *seg, int n_seg)
{
    int64_t es = (int64_t)esize;
    if (n_seg == 0) {
        map_gather(dst, src, map, n, esize, fill);
        return;
    }
    for (int k = 0; k < n_seg; k++) {
        char *d = dst + seg[k].at * es;
        if (seg[k].kind == SEG_FILL)
            segi_fill_elems(d, fill, esize, (size_t)seg[k].n);
        else if (seg[k].kind == SEG_COPY)
            memcpy(d, src + map[seg[k].at] * es, (size_t)seg[k].n * esize);
        else
            map_gather(d, src, map + seg[k].at, seg[k].n, esize, fill);
    }
}

void segi_mapped_copy(void *dst, const void *src, size_t esize, int rank,
                      const int64_t *out_dims, const int64_t *in_dims,
                      const int64_t *const *maps, const void *fill)
{
    size_t count = 1;
    for (int d = 0; d < rank; d++)
        count *= (size_t)out_dims[d];
    if (count == 0)
        return;
    if (rank == 0) {
        memcpy(dst, src, esize);
        return;
    }
    int64_t strides[MAX_RANK], s = 1;
    for (int d = rank - 1; d >= 0; d--) {
        strides[d] = s;
        s *= in_dims[d];
    }
    int last = rank - 1;
    int64_t width = out_dims[last], idx[MAX_RANK] = {0}, es = (int64_t)esize;
    segment seg[MAX_SEGMENTS];
    int n_seg = split_row(maps[last], width, seg);
    char *d = dst;
    int64_t prev_off = -2;  /* source row of the previous output row; -1: filled */
    size_t row_bytes = (size_t)(width * es);
    for (size_t row = 0; row < count / (size_t)width; row++) {
        int64_t off = 0;
        for (int a = 0; a < last && off >= 0; a++)
            off = maps[a][idx[a]] < 0 ? -1 : off + maps[a][idx[a]] * strides[a];
        /* Enlarging repeats source rows: copy the row just written. */
        if (off == prev_off)
            memcpy(d, d - row_bytes, row_bytes);
        else if (off < 0)
            segi_fill_elems(d, fill, esize, (size_t)width);
        else
            mapped_row(d, (const char *)src + off * es, maps[last], width, esize, fill, seg,
                       n_seg);
        prev_off = off;
        d += row_bytes;
        for (int a = last - 1; a >= 0 && ++idx[a] == out_dims[a]; a--)
            idx[a] = 0;
    }
}
