/* ModelProto, GraphProto, NodeProto, AttributeProto and ValueInfoProto. */
#include "onnx/decode.h"

#include "core/error.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

enum { MODEL_IR_VERSION = 1, MODEL_PRODUCER = 2, MODEL_PRODUCER_VERSION = 3, MODEL_GRAPH = 7,
       MODEL_OPSET = 8 };
enum { GRAPH_NODE = 1, GRAPH_NAME = 2, GRAPH_INIT = 5, GRAPH_INPUT = 11, GRAPH_OUTPUT = 12,
       GRAPH_SPARSE_INIT = 15 };
enum { NODE_INPUT = 1, NODE_OUTPUT = 2, NODE_NAME = 3, NODE_OP_TYPE = 4, NODE_ATTR = 5,
       NODE_DOMAIN = 7 };
enum { ATTR_NAME = 1, ATTR_F = 2, ATTR_I = 3, ATTR_S = 4, ATTR_T = 5, ATTR_FLOATS = 7,
       ATTR_INTS = 8, ATTR_STRINGS = 9, ATTR_TYPE = 20 };

#define NOMEM() segi_error(SEG_ERR_OUT_OF_MEMORY, "decoding the model")

seg_status segi_onnx_string(segi_onnx_ctx *c, const segi_pb_field *f, const char **out)
{
    seg_status st = segi_onnx_expect(f, SEGI_PB_LEN, "string");
    if (st != SEG_OK)
        return st;
    if (memchr(f->data, 0, f->len))
        return segi_error(SEG_ERR_FORMAT, "at byte %zu: string field %u contains a NUL byte",
                          f->offset, f->num);
    char *s = segi_region_strndup(&c->m->mem, (const char *)f->data, f->len);
    if (!s)
        return NOMEM();
    *out = s;
    return SEG_OK;
}

seg_status segi_onnx_keep(segi_onnx_model *m, seg_tensor *t)
{
    if (m->n_tensors == m->cap_tensors) {
        size_t cap = m->cap_tensors ? 2 * m->cap_tensors : 64;
        seg_tensor **p = realloc(m->tensors, cap * sizeof *p);
        if (!p)
            return NOMEM();
        m->tensors = p;
        m->cap_tensors = cap;
    }
    m->tensors[m->n_tensors++] = t;
    return SEG_OK;
}

/* A region array for the `num` fields of message `r`; *n receives the count. */
static seg_status alloc_for(segi_onnx_ctx *c, segi_pb r, uint32_t num, size_t size,
                            void **arr, int *n)
{
    size_t count;
    seg_status st = segi_pb_count(r, num, &count);
    if (st != SEG_OK)
        return st;
    if (count > INT32_MAX)
        return segi_error(SEG_ERR_LIMIT, "%zu repeated fields", count);
    if (!(*arr = segi_region_array(&c->m->mem, count ? count : 1, size)))
        return NOMEM();
    *n = 0;
    return SEG_OK;
}

/* ---- ValueInfoProto -------------------------------------------------------- */

static seg_status decode_dim(segi_onnx_ctx *c, segi_pb d, segi_onnx_value *v, size_t offset)
{
    if (v->rank == SEG_MAX_RANK)
        return segi_error(SEG_ERR_UNSUPPORTED, "at byte %zu: value '%s' has rank above %d",
                          offset, v->name ? v->name : "", SEG_MAX_RANK);
    int i = v->rank++;
    v->dims[i] = -1;
    segi_pb_field f;
    bool more;
    seg_status st;
    while ((st = segi_pb_next(&d, &f, &more)) == SEG_OK && more) {
        if (f.num == 1 && !(st = segi_onnx_expect(&f, SEGI_PB_VARINT, "dim_value")))
            v->dims[i] = segi_pb_i64(&f) >= 0 ? segi_pb_i64(&f) : -1;
        else if (f.num == 2)
            st = segi_onnx_string(c, &f, &v->dim_params[i]);
        if (st != SEG_OK)
            break;
    }
    return st;
}

static seg_status decode_tensor_type(segi_onnx_ctx *c, segi_pb t, segi_onnx_value *v)
{
    segi_pb_field f, g;
    bool more;
    seg_status st;
    while ((st = segi_pb_next(&t, &f, &more)) == SEG_OK && more) {
        if (f.num == 1 && !(st = segi_onnx_expect(&f, SEGI_PB_VARINT, "elem_type"))) {
            v->elem_type = (int)segi_pb_i64(&f);
        } else if (f.num == 2 && !(st = segi_onnx_expect(&f, SEGI_PB_LEN, "shape"))) {
            segi_pb shape = segi_pb_sub(&t, &f);
            v->rank = 0;
            while ((st = segi_pb_next(&shape, &g, &more)) == SEG_OK && more)
                if (g.num == 1 && ((st = segi_onnx_expect(&g, SEGI_PB_LEN, "dim")) ||
                                   (st = decode_dim(c, segi_pb_sub(&shape, &g), v, g.offset))))
                    break;
        }
        if (st != SEG_OK)
            break;
    }
    return st;
}

static seg_status decode_value(segi_onnx_ctx *c, segi_pb r, segi_onnx_value *v)
{
    v->rank = -1;
    segi_pb_field f, g;
    bool more;
    seg_status st;
    while ((st = segi_pb_next(&r, &f, &more)) == SEG_OK && more) {
        if (f.num == 1) {
            st = segi_onnx_string(c, &f, &v->name);
        } else if (f.num == 2 && !(st = segi_onnx_expect(&f, SEGI_PB_LEN, "type"))) {
            segi_pb type = segi_pb_sub(&r, &f);
            while ((st = segi_pb_next(&type, &g, &more)) == SEG_OK && more)
                if (g.num == 1 && ((st = segi_onnx_expect(&g, SEGI_PB_LEN, "tensor_type")) ||
                                   (st = decode_tensor_type(c, segi_pb_sub(&type, &g), v))))
                    break;
        }
        if (st != SEG_OK)
            break;
    }
    if (st == SEG_OK && !v->name)
        v->name = "";
    return st;
}

/* ---- AttributeProto --------------------------------------------------------- */

static seg_status attr_arrays(segi_onnx_ctx *c, segi_pb r, segi_attr *a, size_t *nf,
                              size_t *ni, size_t *ns)
{
    segi_pb_field f;
    bool more;
    seg_status st;
    *nf = *ni = *ns = 0;
    while ((st = segi_pb_next(&r, &f, &more)) == SEG_OK && more) {
        if (f.num == ATTR_FLOATS)
            st = segi_pb_scalars(&r, &f, SEGI_PB_I32, NULL, nf);
        else if (f.num == ATTR_INTS)
            st = segi_pb_scalars(&r, &f, SEGI_PB_VARINT, NULL, ni);
        else if (f.num == ATTR_STRINGS)
            ++*ns;
        if (st != SEG_OK)
            return st;
    }
    if (st != SEG_OK)
        return st;
    float *fl = segi_region_array(&c->m->mem, *nf + 1, sizeof(uint64_t));
    int64_t *in = segi_region_array(&c->m->mem, *ni + 1, sizeof(int64_t));
    const char **ss = segi_region_array(&c->m->mem, *ns + 1, sizeof(char *));
    if (!fl || !in || !ss)
        return NOMEM();
    a->floats = fl;
    a->ints = in;
    a->strings = ss;
    return SEG_OK;
}

/* The type an attribute without a type field (very old exporters) must have. */
static segi_attr_type guess_type(bool seen[], size_t nf, size_t ni, size_t ns)
{
    return seen[ATTR_F] ? SEGI_ATTR_FLOAT : seen[ATTR_I] ? SEGI_ATTR_INT
           : seen[ATTR_S] ? SEGI_ATTR_STRING : seen[ATTR_T] ? SEGI_ATTR_TENSOR
           : nf ? SEGI_ATTR_FLOATS : ni ? SEGI_ATTR_INTS : ns ? SEGI_ATTR_STRINGS : 0;
}

static seg_status decode_attr(segi_onnx_ctx *c, segi_pb r, segi_attr *a, size_t offset)
{
    size_t nf, ni, ns;
    seg_status st = attr_arrays(c, r, a, &nf, &ni, &ns);
    if (st != SEG_OK)
        return st;
    uint64_t *fbits = (uint64_t *)(uintptr_t)a->floats;
    size_t kf = 0, ki = 0, ks = 0;
    int64_t type = 0;
    bool seen[ATTR_TYPE + 1] = {0};
    segi_pb_field f;
    bool more;
    const char *s = NULL;
    while ((st = segi_pb_next(&r, &f, &more)) == SEG_OK && more) {
        if (f.num <= ATTR_TYPE)
            seen[f.num] = true;
        switch (f.num) {
        case ATTR_NAME: st = segi_onnx_string(c, &f, &a->name); break;
        case ATTR_TYPE:
            if (!(st = segi_onnx_expect(&f, SEGI_PB_VARINT, "attribute type")))
                type = segi_pb_i64(&f);
            break;
        case ATTR_F:
            if (!(st = segi_onnx_expect(&f, SEGI_PB_I32, "attribute f")))
                a->f = segi_pb_float(&f);
            break;
        case ATTR_I:
            if (!(st = segi_onnx_expect(&f, SEGI_PB_VARINT, "attribute i")))
                a->i = segi_pb_i64(&f);
            break;
        case ATTR_S:
            if (!(st = segi_onnx_expect(&f, SEGI_PB_LEN, "attribute s"))) {
                /* Strings may be bytes; keep them whole with their length. */
                char *p = segi_region_strndup(&c->m->mem, (const char *)f.data, f.len);
                st = p ? SEG_OK : NOMEM();
                s = p;
                a->s_len = f.len;
            }
            break;
        case ATTR_T: {
            seg_tensor *t = NULL;
            if (!(st = segi_onnx_tensor(c, &r, &f, &t, NULL)))
                a->t = t;
            break;
        }
        case ATTR_FLOATS: st = segi_pb_scalars(&r, &f, SEGI_PB_I32, fbits, &kf); break;
        case ATTR_INTS: st = segi_pb_scalars(&r, &f, SEGI_PB_VARINT, (void *)(uintptr_t)a->ints, &ki); break;
        case ATTR_STRINGS: st = segi_onnx_string(c, &f, (const char **)(uintptr_t)&a->strings[ks++]); break;
        }
        if (st != SEG_OK)
            return st;
    }
    if (st != SEG_OK)
        return st;
    /* FLOATS were gathered as 64-bit slots; compact them into floats in place. */
    float *fl = (float *)fbits;
    for (size_t i = 0; i < kf; i++) {
        uint32_t bits = (uint32_t)fbits[i];
        memcpy(&fl[i], &bits, sizeof bits);
    }
    a->s = s ? s : "";
    if (!a->name)
        return segi_error(SEG_ERR_FORMAT, "at byte %zu: attribute without a name", offset);
    if (!type)
        type = guess_type(seen, nf, ni, ns);
    switch (type) {
    case SEGI_ATTR_FLOAT: case SEGI_ATTR_INT: case SEGI_ATTR_STRING: case SEGI_ATTR_TENSOR:
        break;
    case SEGI_ATTR_FLOATS: a->n = nf; break;
    case SEGI_ATTR_INTS: a->n = ni; break;
    case SEGI_ATTR_STRINGS: a->n = ns; break;
    default:
        /* Graphs, sparse tensors and type protos: only ops libseg lacks use them, and
         * those fail by op type. The attribute is kept with type 0 (never matched). */
        type = 0;
    }
    if (type == SEGI_ATTR_TENSOR && !a->t)
        return segi_error(SEG_ERR_FORMAT, "at byte %zu: tensor attribute '%s' has no tensor",
                          offset, a->name);
    a->type = (segi_attr_type)type;
    return SEG_OK;
}

/* ---- NodeProto -------------------------------------------------------------- */

static seg_status decode_node(segi_onnx_ctx *c, segi_pb r, segi_onnx_node *n, size_t offset)
{
    n->offset = offset;
    n->name = n->op_type = n->domain = "";
    seg_status st;
    if ((st = alloc_for(c, r, NODE_INPUT, sizeof(char *), (void **)&n->inputs, &n->n_inputs)) ||
        (st = alloc_for(c, r, NODE_OUTPUT, sizeof(char *), (void **)&n->outputs, &n->n_outputs)) ||
        (st = alloc_for(c, r, NODE_ATTR, sizeof(segi_attr), (void **)&n->attrs, &n->n_attrs)))
        return st;
    segi_pb_field f;
    bool more;
    while ((st = segi_pb_next(&r, &f, &more)) == SEG_OK && more) {
        switch (f.num) {
        case NODE_INPUT: st = segi_onnx_string(c, &f, &n->inputs[n->n_inputs++]); break;
        case NODE_OUTPUT: st = segi_onnx_string(c, &f, &n->outputs[n->n_outputs++]); break;
        case NODE_NAME: st = segi_onnx_string(c, &f, &n->name); break;
        case NODE_OP_TYPE: st = segi_onnx_string(c, &f, &n->op_type); break;
        case NODE_DOMAIN: st = segi_onnx_string(c, &f, &n->domain); break;
        case NODE_ATTR:
            if (!(st = segi_onnx_expect(&f, SEGI_PB_LEN, "attribute")))
                st = decode_attr(c, segi_pb_sub(&r, &f), &n->attrs[n->n_attrs++], f.offset);
            break;
        }
        if (st != SEG_OK)
            break;
    }
    if (st != SEG_OK)
        return st;
    if (!n->op_type[0])
        return segi_error(SEG_ERR_FORMAT, "at byte %zu: node '%s' has no op_type", offset,
                          n->name);
    return SEG_OK;
}

/* ---- GraphProto and ModelProto ------------------------------------------------ */

static seg_status decode_init(segi_onnx_ctx *c, const segi_pb *r, const segi_pb_field *f,
                              segi_onnx_init *init)
{
    segi_pb_field name = {0};
    seg_status st = segi_onnx_tensor(c, r, f, &init->tensor, &name);
    if (st != SEG_OK)
        return st;
    if (!name.data || name.len == 0)
        return segi_error(SEG_ERR_FORMAT, "at byte %zu: initializer without a name", f->offset);
    return segi_onnx_string(c, &name, &init->name);
}

static seg_status decode_graph(segi_onnx_ctx *c, segi_pb r)
{
    segi_onnx_model *m = c->m;
    seg_status st;
    if ((st = alloc_for(c, r, GRAPH_NODE, sizeof *m->nodes, (void **)&m->nodes, &m->n_nodes)) ||
        (st = alloc_for(c, r, GRAPH_INIT, sizeof *m->inits, (void **)&m->inits, &m->n_inits)) ||
        (st = alloc_for(c, r, GRAPH_INPUT, sizeof *m->inputs, (void **)&m->inputs,
                        &m->n_inputs)) ||
        (st = alloc_for(c, r, GRAPH_OUTPUT, sizeof *m->outputs, (void **)&m->outputs,
                        &m->n_outputs)))
        return st;
    segi_pb_field f;
    bool more;
    while ((st = segi_pb_next(&r, &f, &more)) == SEG_OK && more) {
        if ((f.num == GRAPH_NODE || f.num == GRAPH_INPUT || f.num == GRAPH_OUTPUT) &&
            (st = segi_onnx_expect(&f, SEGI_PB_LEN, "graph entry")))
            break;
        switch (f.num) {
        case GRAPH_NODE:
            st = decode_node(c, segi_pb_sub(&r, &f), &m->nodes[m->n_nodes], f.offset);
            if (st != SEG_OK)
                return segi_error_context(st, "node %d", m->n_nodes);
            m->n_nodes++;
            break;
        case GRAPH_INIT: st = decode_init(c, &r, &f, &m->inits[m->n_inits++]); break;
        case GRAPH_INPUT: st = decode_value(c, segi_pb_sub(&r, &f), &m->inputs[m->n_inputs++]); break;
        case GRAPH_OUTPUT: st = decode_value(c, segi_pb_sub(&r, &f), &m->outputs[m->n_outputs++]); break;
        case GRAPH_NAME: st = segi_onnx_string(c, &f, &m->graph_name); break;
        case GRAPH_SPARSE_INIT:
            st = segi_error(SEG_ERR_UNSUPPORTED, "at byte %zu: sparse initializers are not "
                            "supported", f.offset);
            break;
        }
        if (st != SEG_OK)
            break;
    }
    return st;
}

static seg_status decode_opset(segi_onnx_ctx *c, segi_pb r, segi_onnx_opset *o)
{
    o->domain = "";
    segi_pb_field f;
    bool more;
    seg_status st;
    while ((st = segi_pb_next(&r, &f, &more)) == SEG_OK && more) {
        if (f.num == 1)
            st = segi_onnx_string(c, &f, &o->domain);
        else if (f.num == 2 && !(st = segi_onnx_expect(&f, SEGI_PB_VARINT, "opset version")))
            o->version = segi_pb_i64(&f);
        if (st != SEG_OK)
            break;
    }
    return st;
}

static seg_status decode_model(segi_onnx_ctx *c, const void *data, size_t size)
{
    segi_onnx_model *m = c->m;
    segi_pb r = segi_pb_open(data, size);
    seg_status st = alloc_for(c, r, MODEL_OPSET, sizeof *m->opsets, (void **)&m->opsets,
                              &m->n_opsets);
    if (st != SEG_OK)
        return st;
    segi_pb_field f, graph = {0};
    bool more, has_graph = false;
    while ((st = segi_pb_next(&r, &f, &more)) == SEG_OK && more) {
        switch (f.num) {
        case MODEL_IR_VERSION:
            if (!(st = segi_onnx_expect(&f, SEGI_PB_VARINT, "ir_version")))
                m->ir_version = segi_pb_i64(&f);
            break;
        case MODEL_PRODUCER: st = segi_onnx_string(c, &f, &m->producer_name); break;
        case MODEL_PRODUCER_VERSION: st = segi_onnx_string(c, &f, &m->producer_version); break;
        case MODEL_OPSET:
            if (!(st = segi_onnx_expect(&f, SEGI_PB_LEN, "opset_import")))
                st = decode_opset(c, segi_pb_sub(&r, &f), &m->opsets[m->n_opsets++]);
            break;
        case MODEL_GRAPH:
            if (!(st = segi_onnx_expect(&f, SEGI_PB_LEN, "graph"))) {
                graph = f;
                has_graph = true;
            }
            break;
        }
        if (st != SEG_OK)
            return st;
    }
    if (st != SEG_OK)
        return st;
    if (!has_graph)
        return segi_error(SEG_ERR_FORMAT, "at byte %zu: the model has no graph", size);
    return decode_graph(c, segi_pb_sub(&r, &graph));
}

/* ---- Entry points ------------------------------------------------------------- */

static seg_status decode_new(const void *data, size_t size, const char *dir, bool borrow,
                             segi_onnx_model *m)
{
    segi_onnx_ctx c = {m, dir, borrow};
    m->producer_name = m->producer_version = m->graph_name = "";
    return decode_model(&c, data, size);
}

void segi_onnx_free(segi_onnx_model *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < m->n_tensors; i++)
        seg_tensor_destroy(m->tensors[i]);
    free(m->tensors);
    for (segi_onnx_map *p = m->maps, *next; p; p = next) {
        next = p->next;
        munmap(p->addr, p->len);
        free(p);
    }
    free(m->owned_bytes);
    segi_region_free(&m->mem);
    free(m);
}

static seg_status finish(segi_onnx_model *m, seg_status st, segi_onnx_model **out)
{
    if (st != SEG_OK) {
        segi_onnx_free(m);
        return st;
    }
    *out = m;
    return SEG_OK;
}

seg_status segi_onnx_load_memory(const void *data, size_t size, bool copy,
                                 segi_onnx_model **out)
{
    segi_onnx_model *m = calloc(1, sizeof *m);
    if (!m)
        return NOMEM();
    if (copy) {
        if (!(m->owned_bytes = malloc(size ? size : 1)))
            return finish(m, NOMEM(), out);
        if (size)
            memcpy(m->owned_bytes, data, size);
        data = m->owned_bytes;
    }
    return finish(m, decode_new(data, size, NULL, true, m), out);
}

/* The folder part of `path` ("." when it has none) in the model's region. */
static const char *folder_of(segi_onnx_model *m, const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        return ".";
    if (slash == path)
        return "/";
    return segi_region_strndup(&m->mem, path, (size_t)(slash - path));
}

seg_status segi_onnx_load_file(const char *path, size_t max_bytes, segi_onnx_model **out)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return segi_error(SEG_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
    struct stat sb;
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        close(fd);
        return segi_error(SEG_ERR_IO, "%s: not a regular file", path);
    }
    if ((uint64_t)sb.st_size > max_bytes) {
        close(fd);
        return segi_error(SEG_ERR_LIMIT, "%s: %lld bytes exceed the limit of %zu", path,
                          (long long)sb.st_size, max_bytes);
    }
    size_t size = (size_t)sb.st_size;
    void *addr = NULL;
    if (size > 0 && (addr = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0)) == MAP_FAILED) {
        int e = errno;
        close(fd);
        return segi_error(SEG_ERR_IO, "%s: cannot map: %s", path, strerror(e));
    }
    close(fd);
    segi_onnx_model *m = calloc(1, sizeof *m);
    segi_onnx_map *map = calloc(1, sizeof *map);
    if (!m || !map) {
        free(m);
        free(map);
        if (addr)
            munmap(addr, size);
        return NOMEM();
    }
    if (addr) {
        map->addr = addr;
        map->len = size;
        m->maps = map;
    } else {
        free(map);
    }
    const char *dir = folder_of(m, path);
    seg_status st = dir ? decode_new(addr ? addr : "", size, dir, true, m) : NOMEM();
    if (st != SEG_OK)
        segi_error_context(st, "%s", path);
    return finish(m, st, out);
}

int64_t segi_onnx_default_opset(const segi_onnx_model *m)
{
    for (int i = 0; i < m->n_opsets; i++)
        if (!m->opsets[i].domain[0] || strcmp(m->opsets[i].domain, "ai.onnx") == 0)
            return m->opsets[i].version;
    return 0;
}

seg_status segi_onnx_decode_tensor(const void *data, size_t size, seg_tensor **out,
                                   char *name, size_t name_cap)
{
    /* The payload is wrapped as field 1 of an imaginary outer message so the tensor
     * decoder sees an ordinary LEN field; offsets stay relative to `data`. */
    segi_pb r = segi_pb_open(data, size);
    segi_pb_field f = {1, SEGI_PB_LEN, 0, data, size, 0};
    segi_onnx_ctx c = {NULL, NULL, false};
    segi_pb_field nm = {0};
    seg_tensor *t = NULL;
    seg_status st = segi_onnx_tensor(&c, &r, &f, &t, &nm);
    if (st != SEG_OK)
        return st;
    if (name && name_cap) {
        size_t n = nm.len < name_cap - 1 ? nm.len : name_cap - 1;
        if (n)
            memcpy(name, nm.data, n);
        name[n] = '\0';
    }
    *out = t;
    return SEG_OK;
}
