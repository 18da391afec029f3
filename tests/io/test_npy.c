/* .npy reader and writer against files written by NumPy (tests/goldens/npy.py). */
#include "check.h"
#include "test_data.h"

#include <seg/seg.h>

#include <stdlib.h>
#include <unistd.h>

static const char *data_path(const char *name)
{
    return test_data_path("npy", name);
}

static seg_tensor *read_ok(const char *name)
{
    seg_tensor *t = NULL;
    CHECK_OK(seg_npy_read_file(data_path(name), NULL, &t));
    return t;
}

TEST(every_dtype_reads_numpy_arange)
{
    static const struct { const char *file; seg_dtype dtype; } cases[] = {
        {"f32_2x3.npy", SEG_DTYPE_F32}, {"f16_2x3.npy", SEG_DTYPE_F16},
        {"u8_2x3.npy", SEG_DTYPE_U8},   {"i8_2x3.npy", SEG_DTYPE_I8},
        {"u16_2x3.npy", SEG_DTYPE_U16}, {"i32_2x3.npy", SEG_DTYPE_I32},
        {"i64_2x3.npy", SEG_DTYPE_I64}, {"f32_v2.npy", SEG_DTYPE_F32},
        {"f32_v3.npy", SEG_DTYPE_F32},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        seg_tensor *t = read_ok(cases[c].file);
        if (!t)
            continue;
        CHECK_EQ_INT(seg_tensor_dtype(t), cases[c].dtype);
        CHECK_EQ_INT(seg_tensor_rank(t), 2);
        CHECK_EQ_INT(seg_tensor_dims(t)[0], 2);
        CHECK_EQ_INT(seg_tensor_dims(t)[1], 3);
        for (size_t i = 0; i < 6; i++)
            CHECK_NEAR(test_elem(t, i), (double)i, 0);
        seg_tensor_destroy(t);
    }
}

TEST(bool_scalar_vector_empty_rank8)
{
    seg_tensor *b = read_ok("bool_2x3.npy");
    if (b) {
        CHECK_EQ_INT(seg_tensor_dtype(b), SEG_DTYPE_BOOL);
        for (size_t i = 0; i < 6; i++)
            CHECK_EQ_INT(test_elem(b, i), (long long)(i % 2));
    }
    seg_tensor *s = read_ok("f32_scalar.npy");
    if (s) {
        CHECK_EQ_INT(seg_tensor_rank(s), 0);
        CHECK_NEAR(test_elem(s, 0), 2.5, 0);
    }
    seg_tensor *v = read_ok("f32_vec5.npy");
    if (v) {
        CHECK_EQ_INT(seg_tensor_rank(v), 1);
        CHECK_EQ_INT(seg_tensor_dims(v)[0], 5);
        CHECK_NEAR(test_elem(v, 4), 4, 0);
    }
    seg_tensor *e = read_ok("f32_empty_0x4.npy");
    if (e) {
        CHECK_EQ_INT(seg_tensor_count(e), 0);
        CHECK_EQ_INT(seg_tensor_dims(e)[1], 4);
    }
    seg_tensor *r = read_ok("i32_rank8.npy");
    if (r) {
        CHECK_EQ_INT(seg_tensor_rank(r), 8);
        CHECK_NEAR(test_elem(r, 255), 255, 0);
    }
    seg_tensor_destroy(b);
    seg_tensor_destroy(s);
    seg_tensor_destroy(v);
    seg_tensor_destroy(e);
    seg_tensor_destroy(r);
}

TEST(bad_files_give_clear_errors)
{
    static const struct { const char *file; seg_status st; const char *msg; } cases[] = {
        {"fortran.npy", SEG_ERR_UNSUPPORTED, "Fortran-order"},
        {"big_endian.npy", SEG_ERR_UNSUPPORTED, "big-endian dtype '>f4'"},
        {"object.npy", SEG_ERR_UNSUPPORTED, "dtype '|O'"},
        {"f64.npy", SEG_ERR_UNSUPPORTED, "dtype '<f8' is not supported"},
        {"rank9.npy", SEG_ERR_UNSUPPORTED, "rank above 8"},
        {"truncated_data.npy", SEG_ERR_FORMAT, "promises 24 data bytes, file has 19"},
        {"trailing_bytes.npy", SEG_ERR_FORMAT, "promises 24 data bytes, file has 28"},
        {"truncated_header.npy", SEG_ERR_FORMAT, "offset 10: header of 118 bytes is truncated"},
        {"bad_magic.npy", SEG_ERR_FORMAT, "offset 0: not a .npy file"},
        {"lying_shape.npy", SEG_ERR_FORMAT, "promises 36 data bytes, file has 24"},
        {"bad_version.npy", SEG_ERR_UNSUPPORTED, "format version 9.0"},
        {"huge_header_len.npy", SEG_ERR_FORMAT, "truncated"},
        {"missing_shape.npy", SEG_ERR_FORMAT, "unexpected or repeated key 'shapf'"},
        {"bad_bool.npy", SEG_ERR_FORMAT, "bool element 2 has value 7"},
        {"negative_dim.npy", SEG_ERR_FORMAT, "expected a non-negative dimension"},
        {"tiny.npy", SEG_ERR_FORMAT, "shorter than the 10-byte"},
        {"does_not_exist.npy", SEG_ERR_IO, "cannot open"},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        seg_tensor *t = (seg_tensor *)0x1;
        CHECK_FAIL(seg_npy_read_file(data_path(cases[c].file), NULL, &t), cases[c].st,
                   cases[c].msg);
        CHECK(t == (seg_tensor *)0x1);
        CHECK(strstr(seg_last_error(), cases[c].file) != NULL); /* names the file */
    }
}

TEST(memory_reader_agrees_and_checks_limits)
{
    seg_tensor *t = read_ok("f32_2x3.npy"), *bytes = NULL, *back = NULL;
    if (!t)
        return;
    CHECK_OK(seg_npy_encode(t, &bytes));
    CHECK_OK(seg_npy_read_memory(seg_tensor_const_data(bytes), seg_tensor_nbytes(bytes), NULL,
                                 &back));
    CHECK(back && memcmp(seg_tensor_const_data(back), seg_tensor_const_data(t), 24) == 0);
    seg_options *o;
    CHECK_OK(seg_options_create(&o));
    CHECK_OK(seg_options_set_int(o, SEG_OPT_MAX_FILE_BYTES, 100));
    seg_tensor *x = NULL;
    CHECK_FAIL(seg_npy_read_memory(seg_tensor_const_data(bytes), seg_tensor_nbytes(bytes), o,
                                   &x), SEG_ERR_LIMIT, "exceeds max_file_bytes");
    CHECK_FAIL(seg_npy_read_file(data_path("f32_2x3.npy"), o, &x), SEG_ERR_LIMIT,
               "exceed max_file_bytes");
    CHECK_FAIL(seg_npy_read_memory(seg_tensor_const_data(bytes), 9, NULL, &x), SEG_ERR_FORMAT,
               "9 bytes: shorter than the 10-byte");
    seg_options_destroy(o);
    seg_tensor_destroy(t);
    seg_tensor_destroy(bytes);
    seg_tensor_destroy(back);
}

/* Our writer produces NumPy's np.save bytes exactly. */
TEST(writer_matches_numpy_bytes)
{
    static const char *files[] = {"f32_2x3.npy", "f16_2x3.npy", "u8_2x3.npy", "bool_2x3.npy",
                                  "i64_2x3.npy", "f32_scalar.npy", "f32_vec5.npy",
                                  "f32_empty_0x4.npy", "i32_rank8.npy"};
    for (size_t f = 0; f < sizeof files / sizeof files[0]; f++) {
        seg_tensor *t = read_ok(files[f]), *enc = NULL;
        FILE *fp = fopen(data_path(files[f]), "rb");
        char want[4096];
        size_t n = fp ? fread(want, 1, sizeof want, fp) : 0;
        if (fp)
            fclose(fp);
        CHECK_OK(seg_npy_encode(t, &enc));
        if (enc) {
            CHECK_EQ_INT(seg_tensor_nbytes(enc), n);
            CHECK(memcmp(seg_tensor_const_data(enc), want, n) == 0);
        }
        seg_tensor_destroy(t);
        seg_tensor_destroy(enc);
    }
}

TEST(write_file_is_atomic)
{
    char dir[] = "/tmp/seg-npy-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char path[256];
    snprintf(path, sizeof path, "%s/out.npy", dir);
    seg_tensor *t = read_ok("i32_2x3.npy"), *back = NULL;
    CHECK_OK(seg_npy_write_file(t, path));
    CHECK_OK(seg_npy_read_file(path, NULL, &back));
    CHECK(back && memcmp(seg_tensor_const_data(back), seg_tensor_const_data(t), 24) == 0);
    unlink(path);
    snprintf(path, sizeof path, "%s/missing/out.npy", dir);
    CHECK_FAIL(seg_npy_write_file(t, path), SEG_ERR_IO, "cannot create");
    CHECK(access(path, F_OK) != 0);
    rmdir(dir);
    seg_tensor_destroy(t);
    seg_tensor_destroy(back);
}

int main(void)
{
    return RUN_TESTS(CASE(every_dtype_reads_numpy_arange), CASE(bool_scalar_vector_empty_rank8),
                     CASE(bad_files_give_clear_errors),
                     CASE(memory_reader_agrees_and_checks_limits),
                     CASE(writer_matches_numpy_bytes), CASE(write_file_is_atomic));
}
