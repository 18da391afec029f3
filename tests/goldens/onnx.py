#!/usr/bin/python3
"""Small ONNX models for the loader and graph tests (run with /usr/bin/python3).

Writes tests/data/onnx/*.onnx (and friends). Every model is a few hundred bytes;
expected values the C tests check are written beside them as .npy files.
"""
import os
import sys

# This file is called onnx.py: keep its own folder from shadowing the onnx package.
sys.path = [p for p in sys.path if os.path.abspath(p or ".") != os.path.dirname(os.path.abspath(__file__))]

import numpy as np  # noqa: E402
import onnx  # noqa: E402
from onnx import TensorProto, helper, numpy_helper  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "data", "onnx")
rng = np.random.default_rng(1234)


def save(model, name, check=True):
    if check:
        onnx.checker.check_model(model)
    path = os.path.join(OUT, name)
    with open(path, "wb") as f:
        f.write(model.SerializeToString())
    return path


def model_of(nodes, inputs, outputs, inits=(), opset=17, name="g"):
    graph = helper.make_graph(nodes, name, inputs, outputs, initializer=list(inits))
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)],
                             producer_name="libseg-goldens")


def conv_relu():
    """x[N,2,3,3] -> Conv(W[3,2,1,1], B) -> Relu -> y: the canonical tiny model."""
    w = rng.standard_normal((3, 2, 1, 1)).astype(np.float32)
    b = rng.standard_normal(3).astype(np.float32)
    nodes = [helper.make_node("Conv", ["x", "W", "B"], ["c"], name="conv0"),
             helper.make_node("Relu", ["c"], ["y"], name="relu0")]
    m = model_of(nodes,
                 [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 2, 3, 3])],
                 [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 3, 3, 3])],
                 [numpy_helper.from_array(w, "W"), numpy_helper.from_array(b, "B")])
    path = save(m, "conv_relu.onnx")
    x = rng.standard_normal((1, 2, 3, 3)).astype(np.float32)
    y = np.maximum(np.einsum("oi,nihw->nohw", w[:, :, 0, 0], x) + b[None, :, None, None], 0)
    np.save(os.path.join(OUT, "conv_relu_x.npy"), x)
    np.save(os.path.join(OUT, "conv_relu_y.npy"), y.astype(np.float32))
    data = open(path, "rb").read()
    # Cut inside the initializers: the loader must report the byte offset.
    with open(os.path.join(OUT, "truncated.onnx"), "wb") as f:
        f.write(data[: len(data) * 2 // 3])


def attrs():
    """One node of an unknown op carrying every attribute type the decoder reads."""
    t = numpy_helper.from_array(np.array([[1.5, -2.0]], np.float32), "t")
    node = helper.make_node("Attrs", ["x"], ["y"], name="a0", domain="",
                            f=0.25, i=-7, s=b"hello", t=t, floats=[1.0, 2.5],
                            ints=[3, -4, 5], strings=[b"a", b"bc"])
    m = model_of([node],
                 [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1])],
                 [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)])
    save(m, "attrs.onnx", check=False)
    unknown = model_of([helper.make_node("FooBar", ["x"], ["y"], name="mystery")],
                       [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1])],
                       [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1])], opset=13)
    save(unknown, "unknown_op.onnx", check=False)
    domain = model_of([helper.make_node("Relu", ["x"], ["y"], name="r", domain="com.example")],
                      [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1])],
                      [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1])])
    domain.opset_import.append(helper.make_opsetid("com.example", 1))
    save(domain, "unknown_domain.onnx", check=False)
    old = model_of([helper.make_node("Relu", ["x"], ["y"], name="r")],
                   [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1])],
                   [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1])], opset=6)
    save(old, "opset6.onnx", check=False)


def typed():
    """Initializers stored in each typed field, in raw_data, and as float16."""
    inits = [
        helper.make_tensor("f_typed", TensorProto.FLOAT, [2, 2], [1.0, -2.0, 3.5, 4.0]),
        helper.make_tensor("f_raw", TensorProto.FLOAT, [3],
                           np.array([0.5, 1.5, -2.5], np.float32).tobytes(), raw=True),
        helper.make_tensor("i64", TensorProto.INT64, [3], [-1, 2**40, 7]),
        helper.make_tensor("i32", TensorProto.INT32, [2], [-5, 9]),
        helper.make_tensor("u8", TensorProto.UINT8, [3], [0, 128, 255]),
        helper.make_tensor("i8", TensorProto.INT8, [2], [-128, 127]),
        helper.make_tensor("b", TensorProto.BOOL, [2], [True, False]),
        helper.make_tensor("h", TensorProto.FLOAT16, [2],
                           [1.0, -0.5]),  # the helper stores the halves' bits
        helper.make_tensor("scalar", TensorProto.FLOAT, [], [42.0]),
        helper.make_tensor("empty", TensorProto.FLOAT, [0, 3], []),
    ]
    node = helper.make_node("Identity", ["x"], ["y"])
    m = model_of([node],
                 [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", 3])],
                 [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["batch", 3])], inits)
    save(m, "typed.onnx")
    d = helper.make_tensor("d", TensorProto.DOUBLE, [1], [1.0])
    m = model_of([node], [helper.make_tensor_value_info("x", TensorProto.FLOAT, [3])],
                 [helper.make_tensor_value_info("y", TensorProto.FLOAT, [3])], [d])
    save(m, "double_init.onnx")


def external():
    """Weights in a side file; and locations that try to leave the folder."""
    w = np.arange(6, dtype=np.float32).reshape(2, 3)
    blob = b"\0" * 8 + w.tobytes()
    with open(os.path.join(OUT, "external.bin"), "wb") as f:
        f.write(blob)

    def ext_model(location, offset=8, length=24):
        t = TensorProto()
        t.name, t.data_type = "W", TensorProto.FLOAT
        t.dims.extend([2, 3])
        t.data_location = TensorProto.EXTERNAL
        for k, v in (("location", location), ("offset", str(offset)), ("length", str(length))):
            e = t.external_data.add()
            e.key, e.value = k, v
        node = helper.make_node("Identity", ["W"], ["y"])
        return model_of([node], [], [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2, 3])],
                        [t])

    save(ext_model("external.bin"), "external.onnx", check=False)
    save(ext_model("../onnx/external.bin"), "external_escape.onnx", check=False)
    save(ext_model("/etc/passwd"), "external_absolute.onnx", check=False)
    save(ext_model("external.bin", offset=16), "external_short.onnx", check=False)


def malformed():
    """Byte-level damage the wire reader must catch."""
    base = open(os.path.join(OUT, "conv_relu.onnx"), "rb").read()
    # Field 7 (graph) with a length far past the end of the file.
    bad_len = bytes([0x08, 0x08, 0x3a, 0xff, 0xff, 0x03]) + b"\0" * 4
    with open(os.path.join(OUT, "bad_length.onnx"), "wb") as f:
        f.write(bad_len)
    # An 11-byte varint for ir_version.
    with open(os.path.join(OUT, "bad_varint.onnx"), "wb") as f:
        f.write(bytes([0x08]) + b"\xff" * 10 + b"\x01")
    # Wire type 7 does not exist.
    with open(os.path.join(OUT, "bad_wire.onnx"), "wb") as f:
        f.write(bytes([0x08, 0x07, 0x0f]))
    # No graph at all.
    with open(os.path.join(OUT, "no_graph.onnx"), "wb") as f:
        f.write(bytes([0x08, 0x08]))
    assert len(base) > 0


def vi(name, shape, dtype=TensorProto.FLOAT):
    return helper.make_tensor_value_info(name, dtype, shape)


def graph_models():
    """Graphs for the planner and the passes (tests/graph/test_graph.c runs them with
    test-only operators: Conv there is 1x1 only)."""
    # Conv -> BatchNormalization -> Relu: folds to one Conv at level 2.
    w = rng.standard_normal((4, 3, 1, 1)).astype(np.float32)
    b = rng.standard_normal(4).astype(np.float32)
    gamma, beta = rng.uniform(0.5, 2, 4).astype(np.float32), rng.standard_normal(4).astype(np.float32)
    mean, var = rng.standard_normal(4).astype(np.float32), rng.uniform(0.5, 2, 4).astype(np.float32)
    nodes = [helper.make_node("Conv", ["x", "W", "B"], ["c"], name="conv"),
             helper.make_node("BatchNormalization", ["c", "g", "be", "m", "v"], ["n"],
                              name="bn", epsilon=1e-3),
             helper.make_node("Relu", ["n"], ["y"], name="relu")]
    inits = [numpy_helper.from_array(a, k) for a, k in
             ((w, "W"), (b, "B"), (gamma, "g"), (beta, "be"), (mean, "m"), (var, "v"))]
    save(model_of(nodes, [vi("x", [1, 3, 2, 2])], [vi("y", [1, 4, 2, 2])], inits), "conv_bn.onnx")
    x = rng.standard_normal((1, 3, 2, 2)).astype(np.float32)
    c = np.einsum("oi,nihw->nohw", w[:, :, 0, 0], x) + b[None, :, None, None]
    s = (gamma / np.sqrt(var + 1e-3))[None, :, None, None]
    y = np.maximum((c - mean[None, :, None, None]) * s + beta[None, :, None, None], 0)
    np.save(os.path.join(OUT, "conv_bn_x.npy"), x)
    np.save(os.path.join(OUT, "conv_bn_y.npy"), y.astype(np.float32))

    # x * Sigmoid(x) after a Conv: fuses to Conv(silu).
    nodes = [helper.make_node("Conv", ["x", "W"], ["c"], name="conv"),
             helper.make_node("Sigmoid", ["c"], ["s"], name="sig"),
             helper.make_node("Mul", ["c", "s"], ["y"], name="mul")]
    save(model_of(nodes, [vi("x", [1, 3, 2, 2])], [vi("y", [1, 4, 2, 2])],
                  [numpy_helper.from_array(w, "W")]), "conv_silu.onnx")
    c = np.einsum("oi,nihw->nohw", w[:, :, 0, 0], x)
    np.save(os.path.join(OUT, "conv_silu_y.npy"), (c / (1 + np.exp(-c))).astype(np.float32))

    # Shape -> Reshape is static once x's shape is known; Identity/Dropout vanish;
    # the dead Relu goes; the Constant + Add folds.
    nodes = [helper.make_node("Identity", ["x"], ["i"], name="id"),
             helper.make_node("Dropout", ["i"], ["d"], name="drop"),
             helper.make_node("Relu", ["d"], ["r"], name="relu"),
             helper.make_node("Relu", ["d"], ["unused"], name="dead"),
             helper.make_node("Shape", ["x"], ["s"], name="shape"),
             helper.make_node("Reshape", ["r", "s"], ["rs"], name="reshape"),
             helper.make_node("Constant", [], ["k"], name="const",
                              value=numpy_helper.from_array(np.array([2.0], np.float32))),
             helper.make_node("Add", ["k", "one"], ["k3"], name="fold"),
             helper.make_node("Add", ["rs", "k3"], ["y"], name="add")]
    save(model_of(nodes, [vi("x", ["N", 3])], [vi("y", ["N", 3])],
                  [numpy_helper.from_array(np.array([1.0], np.float32), "one")]), "passes.onnx")

    # Reshape whose shape is a run-time input: cannot be planned.
    nodes = [helper.make_node("Reshape", ["x", "s"], ["y"], name="dyn")]
    save(model_of(nodes, [vi("x", [2, 3]), vi("s", [2], TensorProto.INT64)], [vi("y", None)]),
         "dynamic_reshape.onnx", check=False)

    # A chain of Relus: two buffers suffice.
    nodes = [helper.make_node("Relu", [f"t{i}"], [f"t{i + 1}"], name=f"r{i}") for i in range(6)]
    save(model_of(nodes, [vi("t0", [1, 1000])], [vi("t6", [1, 1000])]), "chain.onnx")

    # A view (Reshape) read long after its source's last direct use: the two share a
    # buffer, which must stay alive until the view's last reader. y = 2 * relu(x).
    nodes = [helper.make_node("Relu", ["x"], ["a"], name="r1"),
             helper.make_node("Reshape", ["a", "shape"], ["v"], name="view"),
             helper.make_node("Relu", ["a"], ["b"], name="r2"),
             helper.make_node("Relu", ["b"], ["c"], name="r3"),
             helper.make_node("Add", ["c", "v"], ["y"], name="add")]
    save(model_of(nodes, [vi("x", [2, 3])], [vi("y", [2, 3])],
                  [numpy_helper.from_array(np.array([2, 3], np.int64), "shape")]),
         "view_lifetime.onnx")

    # A cycle, an undefined input and an output nobody makes.
    nodes = [helper.make_node("Relu", ["b"], ["a"], name="ra"),
             helper.make_node("Relu", ["a"], ["b"], name="rb"),
             helper.make_node("Relu", ["x"], ["y"], name="rc")]
    save(model_of(nodes, [vi("x", [1])], [vi("y", [1])]), "cycle.onnx", check=False)
    nodes = [helper.make_node("Relu", ["nowhere"], ["y"], name="lost")]
    save(model_of(nodes, [vi("x", [1])], [vi("y", [1])]), "undefined_input.onnx", check=False)
    nodes = [helper.make_node("Relu", ["x"], ["y"], name="r")]
    save(model_of(nodes, [vi("x", [1])], [vi("z", [1])]), "missing_output.onnx", check=False)

    # No nodes at all: the outputs are the inputs (public API tests need no operator).
    save(model_of([], [vi("x", ["batch", 3]), vi("m", [2], TensorProto.INT64)],
                  [vi("x", ["batch", 3]), vi("m", [2], TensorProto.INT64)]),
         "passthrough.onnx", check=False)
    # An output name that is not a safe file name: seg infer must escape it.
    save(model_of([helper.make_node("Identity", ["x"], [".a/b:c"], name="id")],
                  [vi("x", ["batch", 3])], [vi(".a/b:c", ["batch", 3])]), "odd_names.onnx")
    np.save(os.path.join(OUT, "passthrough_x.npy"), np.arange(6, dtype=np.float32).reshape(2, 3))
    np.save(os.path.join(OUT, "passthrough_m.npy"), np.array([7, -8], np.int64))


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    conv_relu()
    attrs()
    typed()
    external()
    malformed()
    graph_models()
