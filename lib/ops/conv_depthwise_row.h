/*
 * One output row of a depthwise conv with vectors of DW_W floats (type DW_V), DW_U
 * blocks of DW_W adjacent outputs at a time so that DW_U sums are in flight; included
 * by conv_depthwise.c once per ISA with these defined (it #undefs them at its end):
 *   DW_NAME, DW_CHUNK  the names of the row function and of its inlined sums
 *   DW_TARGET  its target attribute (or nothing)
 *   DW_EVENS(lo, hi)  the even elements of x[0 .. DW_W - 1] (lo) followed by those of
 *              x[DW_W - 1 .. 2 DW_W - 2] (hi): the stride-2 taps of DW_W outputs.
 * Each output is 0 plus the products k * x of its taps, kernel rows in order, taps in
 * order, each product rounded before its addition: the order of dw_row_scalar, so every
 * variant gives its results bit for bit. Returns false when the row does not fit the
 * fixed local buffers (the caller then takes dw_row_scalar).
 */
/* Sums of DW_U blocks whose rows start at p[u][i]; `s2` is a constant after inlining. */
DW_TARGET static inline __attribute__((always_inline)) void
DW_CHUNK(const dw_rows *r, int64_t kw_n, int64_t d, bool s2,
         const float *const p[DW_U][DW_VEC_ROWS], DW_V acc[DW_U])
{
#pragma GCC unroll 8
    for (int u = 0; u < DW_U; u++)
        acc[u] = (DW_V){0};
    for (int i = 0; i < r->n; i++)
        for (int64_t kw = 0; kw < kw_n; kw++) {
            float k = r->k[i][kw];
#pragma GCC unroll 8
            for (int u = 0; u < DW_U; u++) {
                DW_V x;
                const float *at = p[u][i] + kw * d;
                memcpy(&x, at, sizeof x);
                if (s2) {
                    DW_V hi;
                    memcpy(&hi, at + DW_W - 1, sizeof hi);
                    x = DW_EVENS(x, hi);
                }
                DW_V prod = k * x;  /* its own statement: never contracted to an FMA */
                acc[u] += prod;
            }
        }
}

DW_TARGET static bool DW_NAME(const dw_rows *r, const segi_window *w, float *y)
{
    int64_t s = w->stride[2], d = w->dilation[2], kw_n = w->kernel[2], grid = w->grid[2];
    if (r->n > DW_VEC_ROWS || (s != 1 && s != 2) || dw_span(w, DW_W) > DW_SPAN)
        return false;
    float local[DW_U][DW_VEC_ROWS][DW_SPAN];
    const float *p[DW_U][DW_VEC_ROWS];
    for (int64_t o = 0; o < grid; o += DW_U * DW_W) {
        for (int u = 0; u < DW_U; u++)
            dw_block_rows(r, w, o + u * DW_W, DW_W, local[u], p[u]);
        DW_V acc[DW_U];
        if (s == 2)
            DW_CHUNK(r, kw_n, d, true, (const float *const(*)[DW_VEC_ROWS])p, acc);
        else
            DW_CHUNK(r, kw_n, d, false, (const float *const(*)[DW_VEC_ROWS])p, acc);
#pragma GCC unroll 8
        for (int u = 0; u < DW_U; u++) {
            int64_t ob = o + u * DW_W;
            if (grid - ob >= DW_W)
                memcpy(y + ob, &acc[u], sizeof acc[u]);
            else if (grid > ob)
                memcpy(y + ob, &acc[u], (size_t)(grid - ob) * sizeof(float));
        }
    }
    return true;
}

#undef DW_NAME
#undef DW_CHUNK
#undef DW_TARGET
#undef DW_V
#undef DW_W
#undef DW_U
#undef DW_EVENS
