/*
 * Windows of adjacent outputs of one pooling row with vectors of PR_W floats (type
 * PR_V); included by pool.c once per ISA with these defined (it #undefs them at its end):
 *   PR_NAME, PR_BLOCK  the names of the row function and of its inlined block
 *   PR_TARGET          its target attribute (or nothing)
 *   PR_MAX(v, acc)     v > acc ? v : acc per lane (x86's maxps)
 *   PR_EVENS(lo, hi)   as DW_EVENS in conv_depthwise_row.h: the stride-2 taps.
 * Each lane folds its taps in the scalar order (rows, then taps along the row): max
 * keeps the first tap unless a later one is greater (so a NaN first tap stays, later
 * NaNs are passed over, ties keep the first); the average adds to 0 in that order and
 * divides once. The results are the scalar loop's bit for bit.
 */
PR_TARGET static inline __attribute__((always_inline)) void
PR_BLOCK(const float *const *rows, int n_rows, int64_t kernel, bool s2, bool max,
         float divisor, int64_t o, float *y)
{
    PR_V acc = {0};
    for (int i = 0; i < n_rows; i++)
        for (int64_t t = 0; t < kernel; t++) {
            const float *at = rows[i] + (s2 ? 2 * o : o) + t;
            PR_V v;
            memcpy(&v, at, sizeof v);
            if (s2) {
                PR_V hi;
                memcpy(&hi, at + PR_W - 1, sizeof hi);
                v = PR_EVENS(v, hi);
            }
            if (!max)
                acc += v;
            else
                acc = i == 0 && t == 0 ? v : PR_MAX(v, acc);
        }
    if (!max)
        acc = acc / divisor;
    memcpy(y + o, &acc, sizeof acc);
}

PR_TARGET static int64_t PR_NAME(const float *const *rows, int n_rows, int64_t kernel,
                                 int64_t stride, bool max, float divisor, int64_t n,
                                 float *y)
{
    int64_t o = 0;
    for (; o + PR_W <= n; o += PR_W) {
        if (stride == 2 && max)
            PR_BLOCK(rows, n_rows, kernel, true, true, divisor, o, y);
        else if (stride == 2)
            PR_BLOCK(rows, n_rows, kernel, true, false, divisor, o, y);
        else if (max)
            PR_BLOCK(rows, n_rows, kernel, false, true, divisor, o, y);
        else
            PR_BLOCK(rows, n_rows, kernel, false, false, divisor, o, y);
    }
    return o;
}

#undef PR_NAME
#undef PR_BLOCK
#undef PR_TARGET
#undef PR_V
#undef PR_W
#undef PR_MAX
#undef PR_EVENS
