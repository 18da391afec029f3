/* Douglas-Peucker polygon simplification with cv2.approxPolyDP's choices: a closed curve
 * is first split at an approximate diameter (three rounds of "farthest point from the
 * last start"), slices are refined depth first with an explicit stack, and a last pass
 * drops points that lie nearly on the segment joining their neighbours. */
#include "core/error.h"
#include "seg/seg_mask.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct pt {
    double x, y;
} pt;

typedef struct slice {
    size_t start, end;
} slice;

typedef struct dp {
    const pt *src;
    size_t n;
    pt *dst;
    size_t kept;
    slice *stack;
    size_t top;
    double eps2; /* epsilon squared */
} dp;

static size_t step(size_t i, size_t n) { return i + 1 >= n ? 0 : i + 1; }

/* Closed curves: find the start and the far point and seed the stack with both halves,
 * or keep just the start when the whole curve lies within epsilon of it. */
static void seed_closed(dp *s, int rounds)
{
    size_t start = 0, far = 0;
    double best = 0;
    for (int r = 0; r < rounds; r++) {
        start = (start + far) % s->n;
        pt a = s->src[start];
        best = 0;
        far = 0;
        for (size_t j = 1, i = step(start, s->n); j < s->n; j++, i = step(i, s->n)) {
            double dx = s->src[i].x - a.x, dy = s->src[i].y - a.y, d = dx * dx + dy * dy;
            if (d > best) {
                best = d;
                far = j;
            }
        }
    }
    if (best <= s->eps2) {
        s->dst[s->kept++] = s->src[start];
        return;
    }
    size_t f = (far + start) % s->n;
    s->stack[s->top++] = (slice){f, start};
    s->stack[s->top++] = (slice){start, f};
}

/* Split slices until each is within epsilon of its chord; keep each chord's start. */
static void refine(dp *s)
{
    while (s->top > 0) {
        slice sl = s->stack[--s->top];
        pt a = s->src[sl.start], b = s->src[sl.end];
        size_t i = step(sl.start, s->n), split = 0;
        int within = 1;
        if (i != sl.end) {
            double dx = b.x - a.x, dy = b.y - a.y, best = 0;
            for (; i != sl.end; i = step(i, s->n)) {
                double d = fabs((s->src[i].y - a.y) * dx - (s->src[i].x - a.x) * dy);
                if (d > best) {
                    best = d;
                    split = i;
                }
            }
            within = best * best <= s->eps2 * (dx * dx + dy * dy);
        }
        if (within) {
            s->dst[s->kept++] = a;
        } else {
            s->stack[s->top++] = (slice){split, sl.end};
            s->stack[s->top++] = (slice){sl.start, split};
        }
    }
}

/* OpenCV's clean-up, in place on dst with its wrap-around reads and writes. */
static size_t drop_collinear(pt *d, size_t count, int closed, double eps2)
{
    size_t left = count, pos = closed ? count - 1 : 0;
    pt a = d[pos];
    pos = step(pos, count);
    size_t wpos = pos;
    pt mid = d[pos];
    pos = step(pos, count);
    for (size_t i = !closed; i + !closed < count && left > 2; i++) {
        pt b = d[pos];
        pos = step(pos, count);
        double dx = b.x - a.x, dy = b.y - a.y;
        double dist = fabs((mid.x - a.x) * dy - (mid.y - a.y) * dx);
        double along = (mid.x - a.x) * (b.x - mid.x) + (mid.y - a.y) * (b.y - mid.y);
        if (dist * dist <= 0.5 * eps2 * (dx * dx + dy * dy) && dx != 0 && dy != 0 &&
            along >= 0) {
            left--;
            d[wpos] = a = b;
            wpos = step(wpos, count);
            mid = d[pos];
            pos = step(pos, count);
            i++;
            continue;
        }
        d[wpos] = a = mid;
        wpos = step(wpos, count);
        mid = b;
    }
    if (!closed)
        d[wpos] = mid;
    return left;
}

seg_status seg_polygon_simplify(const double *xy, size_t n, double epsilon, bool closed,
                                double *out, size_t *n_out)
{
    SEGI_REQUIRE(n_out);
    if (n == 0) {
        *n_out = 0;
        return SEG_OK;
    }
    SEGI_REQUIRE(xy);
    SEGI_REQUIRE(out);
    if (!(epsilon >= 0) || isinf(epsilon))
        return segi_error(SEG_ERR_INVALID_ARGUMENT, "%s: epsilon %g must be finite and >= 0",
                          __func__, epsilon);
    for (size_t i = 0; i < 2 * n; i++)
        if (!isfinite(xy[i]))
            return segi_error(SEG_ERR_INVALID_ARGUMENT, "%s: point %zu has %s %g", __func__,
                              i / 2, i % 2 ? "y" : "x", xy[i]);
    pt *src = malloc(n * sizeof *src), *dst = malloc(n * sizeof *dst);
    slice *stack = malloc((n + 2) * sizeof *stack);
    if (!src || !dst || !stack) {
        free(src), free(dst), free(stack);
        return segi_error(SEG_ERR_OUT_OF_MEMORY, "%s: %zu points", __func__, n);
    }
    memcpy(src, xy, n * sizeof *src);
    dp s = {src, n, dst, 0, stack, 0, epsilon * epsilon};
    int as_closed = closed;
    if (!closed) {
        if (src[0].x != src[n - 1].x || src[0].y != src[n - 1].y)
            s.stack[s.top++] = (slice){0, n - 1};
        else
            as_closed = 1; /* an open curve that ends where it starts */
    }
    if (as_closed)
        seed_closed(&s, closed ? 3 : 1);
    refine(&s);
    if (!as_closed)
        dst[s.kept++] = src[n - 1];
    size_t kept = drop_collinear(dst, s.kept, closed, s.eps2);
    memcpy(out, dst, kept * sizeof *dst);
    *n_out = kept;
    free(src), free(dst), free(stack);
    return SEG_OK;
}
