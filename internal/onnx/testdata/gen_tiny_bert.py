#!/usr/bin/python3
"""Generate the test fixture of package onnx: a tiny BERT-shaped ONNX model
with seeded random weights, its WordPiece vocabulary (vocab.txt and
tokenizer.json) and the expected token ids and sentence embeddings, computed
here independently of the Go code (a Python tokenizer and a numpy forward
pass).

Run with Debian's python3-onnx and python3-numpy:

    /usr/bin/python3 internal/onnx/testdata/gen_tiny_bert.py          # the fixture (committed)
    /usr/bin/python3 internal/onnx/testdata/gen_tiny_bert.py --bert-size \
        --out internal/onnx/testdata/bertsize                         # ~90 MB, benchmarks only, not committed

The model takes input_ids, attention_mask, token_type_ids (int64, [batch,
seq]) and returns last_hidden_state [batch, seq, hidden] and pooler_output
[batch, hidden] (tanh of a dense layer on [CLS], as BertModel does; the Go
embedder must ignore it and mean-pool last_hidden_state). A second copy,
tinybert-pooled/, has the same weights and a single sentence_embedding
output, pooled and normalised inside the graph.
"""
import argparse
import json
import math
import os
import unicodedata

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
PUNCT = list("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
WORDS = """the a an and or of to in on at for with is are was were be been it this that
these those i you he she we they my your our their not no yes hello world cat cats dog dogs
run running runs ran quick quickly slow slowly happy sad good bad new old big small
war peace men women school cafe creme brulee ecole topic topics map maps model models
data text texts word words token tokens embed embedding vector vectors test tests
go python bert mini language languages tab tabs newline newlines control chars win
un believ able unbelievable play played playing player players walk walked walking
time year day people thing man woman child world music film book city country
tweet tweets love like just get got one two three four five six seven eight nine ten
100 20 2024 kg""".split()
SUFFIXES = ["##s", "##es", "##ed", "##ing", "##ly", "##er", "##ers", "##able", "##believ",
            "##ness", "##ion", "##al", "##y", "##'s"]
CHARS = list("abcdefghijklmnopqrstuvwxyz0123456789")
EXTRA = ["大", "中", "文", "é", "ü", "ß", "€"]

SENTENCES = [
    "Hello, world!",
    "The cats are running quickly.",
    "Café crème brûlée à l'ÉCOLE",
    "unbelievable players walked unbelievably",
    "大中文 text 大",
    "a" * 101 + " go",
    "a" * 100,
    "Tabs\tand\nnewlines\r\nhere",
    "$100 + 20% = win | <go> ^_^ `x` ~",
    "hello [SEP] world [MASK]",
    "",
    "\u0000 control\u200b chars\ufffd ok",
    "Zebras xylophone qwxz ωmega naïve",
    "war and peace, men and women: topics maps models!",
    "The quick dog runs to the old school with the happy cat, and they play music in the big city "
    "every day of the year; people love this film and this book, one two three four five six.",
    "i love my dog",
    "New data, new model: new embeddings.",
    "the the the the the the the the the the the the the the the the the the the the the the",
]


# --- tokenizer, written from the BERT paper's description (not from the Go code) ---

def is_control(c):
    if c in "\t\n\r":
        return False
    return unicodedata.category(c).startswith("C")


def is_whitespace(c):
    if c in " \t\n\r":
        return True
    return unicodedata.category(c) == "Zs" or c in "\u0085\u2028\u2029\x0b\x0c\x1c\x1d\x1e\x1f"


def is_punct(c):
    o = ord(c)
    if 33 <= o <= 47 or 58 <= o <= 64 or 91 <= o <= 96 or 123 <= o <= 126:
        return True
    return unicodedata.category(c).startswith("P")


def is_cjk(c):
    o = ord(c)
    return any(a <= o <= b for a, b in [(0x4E00, 0x9FFF), (0x3400, 0x4DBF), (0x20000, 0x2A6DF),
                                         (0x2A700, 0x2B73F), (0x2B740, 0x2B81F), (0x2B920, 0x2CEAF),
                                         (0xF900, 0xFAFF), (0x2F800, 0x2FA1F)])


def normalize(text):
    out = []
    for c in text:
        if ord(c) == 0 or ord(c) == 0xFFFD or is_control(c):
            continue
        if is_whitespace(c):
            c = " "
        if is_cjk(c):
            out.append(" " + c + " ")
        else:
            out.append(c)
    s = unicodedata.normalize("NFD", "".join(out))
    s = "".join(c for c in s if unicodedata.category(c) != "Mn")
    return s.lower()


def split_words(s):
    words, cur = [], ""
    for c in s:
        if is_whitespace(c):
            if cur:
                words.append(cur)
            cur = ""
        elif is_punct(c):
            if cur:
                words.append(cur)
            words.append(c)
            cur = ""
        else:
            cur += c
    if cur:
        words.append(cur)
    return words


def wordpiece(word, vocab):
    if len(word) > 100:
        return ["[UNK]"]
    toks, start = [], 0
    while start < len(word):
        end = len(word)
        hit = None
        while end > start:
            sub = word[start:end] if start == 0 else "##" + word[start:end]
            if sub in vocab:
                hit = sub
                break
            end -= 1
        if hit is None:
            return ["[UNK]"]
        toks.append(hit)
        start = end
    return toks


def tokenize(text, vocab, max_len):
    toks = []
    # special tokens written in the text stay whole
    rest = text
    while rest:
        best, which = len(rest), None
        for sp in SPECIALS:
            i = rest.find(sp)
            if 0 <= i < best:
                best, which = i, sp
        for w in split_words(normalize(rest[:best])):
            toks.extend(wordpiece(w, vocab))
        if which is None:
            break
        toks.append(which)
        rest = rest[best + len(which):]
    toks = toks[: max_len - 2]
    toks = ["[CLS]"] + toks + ["[SEP]"]
    return toks, [vocab[t] for t in toks]


# --- model ---

class Builder:
    def __init__(self):
        self.nodes, self.inits, self.n = [], [], 0

    def name(self, p):
        self.n += 1
        return f"{p}_{self.n}"

    def const(self, name, arr):
        self.inits.append(numpy_helper.from_array(arr, name))
        return name

    def op(self, typ, inputs, **attrs):
        out = self.name(typ.lower())
        self.nodes.append(helper.make_node(typ, inputs, [out], **attrs))
        return out


def layer_norm(b, x, g, beta, eps):
    mean = b.op("ReduceMean", [x], axes=[-1], keepdims=1)
    d = b.op("Sub", [x, mean])
    var = b.op("ReduceMean", [b.op("Mul", [d, d])], axes=[-1], keepdims=1)
    den = b.op("Sqrt", [b.op("Add", [var, b.const(b.name("eps"), np.array(eps, np.float32))])])
    return b.op("Add", [b.op("Mul", [b.op("Div", [d, den]), g]), beta])


def np_layer_norm(x, g, beta, eps):
    m = x.mean(-1, keepdims=True)
    v = ((x - m) ** 2).mean(-1, keepdims=True)
    return (x - m) / np.sqrt(v + eps) * g + beta


def gelu(x):
    erf = np.vectorize(math.erf)
    return x * 0.5 * (1.0 + erf(x / math.sqrt(2.0)))


def make_weights(rng, vocab_size, hidden, layers, inter, positions):
    f = lambda *s: (rng.standard_normal(s) * 0.2).astype(np.float32)
    w = {"word": f(vocab_size, hidden), "pos": f(positions, hidden), "type": f(2, hidden),
         "ln_g": (1 + f(hidden)).astype(np.float32), "ln_b": f(hidden),
         "pool_w": f(hidden, hidden), "pool_b": f(hidden), "layers": []}
    for _ in range(layers):
        w["layers"].append({k: v for k, v in [
            ("q", f(hidden, hidden)), ("qb", f(hidden)), ("k", f(hidden, hidden)), ("kb", f(hidden)),
            ("v", f(hidden, hidden)), ("vb", f(hidden)), ("o", f(hidden, hidden)), ("ob", f(hidden)),
            ("ln1_g", (1 + f(hidden)).astype(np.float32)), ("ln1_b", f(hidden)),
            ("i", f(hidden, inter)), ("ib", f(inter)), ("out", f(inter, hidden)), ("outb", f(hidden)),
            ("ln2_g", (1 + f(hidden)).astype(np.float32)), ("ln2_b", f(hidden))]})
    return w


def build_onnx(w, hidden, heads, eps, pooled=False):
    """The BERT graph; with pooled, its only output is sentence_embedding:
    last_hidden_state mean-pooled over the mask and L2-normalised in the graph,
    as some sentence-transformers exports do."""
    b = Builder()
    dh = hidden // heads
    c = lambda n, a: b.const(n, a)
    ids, mask, types = "input_ids", "attention_mask", "token_type_ids"
    we = b.op("Gather", [c("embeddings.word", w["word"]), ids])
    seq = b.op("Gather", [b.op("Shape", [ids]), c("one_i", np.array(1, np.int64))], axis=0)
    pos = b.op("Range", [c("zero_i", np.array(0, np.int64)), seq, "one_i"])
    pe = b.op("Gather", [c("embeddings.position", w["pos"]), pos])
    te = b.op("Gather", [c("embeddings.token_type", w["type"]), types])
    x = b.op("Add", [b.op("Add", [we, pe]), te])
    x = layer_norm(b, x, c("embeddings.ln.g", w["ln_g"]), c("embeddings.ln.b", w["ln_b"]), eps)
    m = b.op("Cast", [mask], to=TensorProto.FLOAT)
    m = b.op("Unsqueeze", [m, c("axes12", np.array([1, 2], np.int64))])
    m = b.op("Mul", [b.op("Sub", [c("one_f", np.array(1, np.float32)), m]),
                     c("neg", np.array(-10000, np.float32))])
    heads_shape = c("heads_shape", np.array([0, 0, heads, dh], np.int64))
    flat_shape = c("flat_shape", np.array([0, 0, hidden], np.int64))
    scale = c("scale", np.array(math.sqrt(dh), np.float32))
    for li, L in enumerate(w["layers"]):
        p = f"layer{li}."
        dense = lambda t, wn, bn: b.op("Add", [b.op("MatMul", [t, c(p + wn, L[wn])]), c(p + bn, L[bn])])
        q = b.op("Transpose", [b.op("Reshape", [dense(x, "q", "qb"), heads_shape])], perm=[0, 2, 1, 3])
        k = b.op("Transpose", [b.op("Reshape", [dense(x, "k", "kb"), heads_shape])], perm=[0, 2, 3, 1])
        v = b.op("Transpose", [b.op("Reshape", [dense(x, "v", "vb"), heads_shape])], perm=[0, 2, 1, 3])
        s = b.op("Add", [b.op("Div", [b.op("MatMul", [q, k]), scale]), m])
        pr = b.op("Softmax", [s], axis=-1)
        ctx = b.op("Reshape", [b.op("Transpose", [b.op("MatMul", [pr, v])], perm=[0, 2, 1, 3]), flat_shape])
        x = layer_norm(b, b.op("Add", [x, dense(ctx, "o", "ob")]), c(p + "ln1_g", L["ln1_g"]), c(p + "ln1_b", L["ln1_b"]), eps)
        h = dense(x, "i", "ib")
        h = b.op("Mul", [b.op("Mul", [h, c(p + "half", np.array(0.5, np.float32))]),
                         b.op("Add", [c(p + "one", np.array(1, np.float32)),
                                      b.op("Erf", [b.op("Div", [h, c(p + "sqrt2", np.array(math.sqrt(2), np.float32))])])])])
        x = layer_norm(b, b.op("Add", [x, dense(h, "out", "outb")]), c(p + "ln2_g", L["ln2_g"]), c(p + "ln2_b", L["ln2_b"]), eps)
    if pooled:
        mf = b.op("Unsqueeze", [b.op("Cast", [mask], to=TensorProto.FLOAT), c("axes2", np.array([2], np.int64))])
        ax1 = c("axes1", np.array([1], np.int64))
        summed = b.op("ReduceSum", [b.op("Mul", [x, mf]), ax1], keepdims=0)
        count = b.op("Max", [b.op("ReduceSum", [mf, ax1], keepdims=0), c("tiny", np.array(1e-9, np.float32))])
        mean = b.op("Div", [summed, count])
        norm = b.op("Sqrt", [b.op("ReduceSum", [b.op("Mul", [mean, mean]), ax1], keepdims=1)])
        b.nodes.append(helper.make_node("Div", [mean, norm], ["sentence_embedding"]))
        inputs = [helper.make_tensor_value_info(n, TensorProto.INT64, ["batch", "sequence"]) for n in (ids, mask, types)]
        outputs = [helper.make_tensor_value_info("sentence_embedding", TensorProto.FLOAT, ["batch", hidden])]
        g = helper.make_graph(b.nodes, "tiny_bert_pooled", inputs, outputs, b.inits)
        model = helper.make_model(g, opset_imports=[helper.make_opsetid("", 14)], producer_name="gen_tiny_bert.py")
        model.ir_version = 8
        onnx.checker.check_model(model)
        return model
    b.nodes.append(helper.make_node("Identity", [x], ["last_hidden_state"]))
    cls = b.op("Gather", [x, c("zero_i2", np.array(0, np.int64))], axis=1)
    pooled = b.op("Add", [b.op("MatMul", [cls, c("pooler.w", w["pool_w"])]), c("pooler.b", w["pool_b"])])
    b.nodes.append(helper.make_node("Tanh", [pooled], ["pooler_output"]))
    inputs = [helper.make_tensor_value_info(n, TensorProto.INT64, ["batch", "sequence"]) for n in (ids, mask, types)]
    # pooler_output first, so that the embedder has to pick last_hidden_state by name.
    outputs = [helper.make_tensor_value_info("pooler_output", TensorProto.FLOAT, ["batch", hidden]),
               helper.make_tensor_value_info("last_hidden_state", TensorProto.FLOAT, ["batch", "sequence", hidden])]
    g = helper.make_graph(b.nodes, "tiny_bert", inputs, outputs, b.inits)
    model = helper.make_model(g, opset_imports=[helper.make_opsetid("", 14)], producer_name="gen_tiny_bert.py")
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model


def forward(w, ids, heads, eps):
    """numpy forward pass in float64 for one unpadded sequence: [seq, hidden]."""
    ids = np.array(ids)
    x = w["word"][ids].astype(np.float64) + w["pos"][: len(ids)] + w["type"][0]
    x = np_layer_norm(x, w["ln_g"], w["ln_b"], eps)
    hidden = x.shape[1]
    dh = hidden // heads
    for L in w["layers"]:
        q = (x @ L["q"] + L["qb"]).reshape(-1, heads, dh).transpose(1, 0, 2)
        k = (x @ L["k"] + L["kb"]).reshape(-1, heads, dh).transpose(1, 0, 2)
        v = (x @ L["v"] + L["vb"]).reshape(-1, heads, dh).transpose(1, 0, 2)
        s = q @ k.transpose(0, 2, 1) / math.sqrt(dh)
        s = np.exp(s - s.max(-1, keepdims=True))
        p = s / s.sum(-1, keepdims=True)
        ctx = (p @ v).transpose(1, 0, 2).reshape(-1, hidden)
        x = np_layer_norm(x + ctx @ L["o"] + L["ob"], L["ln1_g"], L["ln1_b"], eps)
        h = gelu(x @ L["i"] + L["ib"])
        x = np_layer_norm(x + h @ L["out"] + L["outb"], L["ln2_g"], L["ln2_b"], eps)
    return x


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=os.path.dirname(os.path.abspath(__file__)) + "/tinybert")
    ap.add_argument("--bert-size", action="store_true", help="6 layers, hidden 384, vocab 30522 (MiniLM-sized)")
    ap.add_argument("--seed", type=int, default=42)
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)

    tokens = SPECIALS + PUNCT + WORDS + SUFFIXES + CHARS + ["##" + ch for ch in CHARS] + EXTRA
    seen, vocab_list = set(), []
    for t in tokens:
        if t not in seen:
            seen.add(t)
            vocab_list.append(t)
    vocab = {t: i for i, t in enumerate(vocab_list)}

    if a.bert_size:
        hidden, heads, layers, inter, positions, vocab_size = 384, 12, 6, 1536, 512, 30522
    else:
        hidden, heads, layers, inter, positions, vocab_size = 32, 4, 2, 64, 512, len(vocab_list)
    eps = 1e-12
    rng = np.random.default_rng(a.seed)
    w = make_weights(rng, vocab_size, hidden, layers, inter, positions)
    onnx.save(build_onnx(w, hidden, heads, eps), os.path.join(a.out, "model.onnx"))

    with open(os.path.join(a.out, "vocab.txt"), "w", encoding="utf-8") as f:
        f.write("\n".join(vocab_list) + "\n")
    tok_json = {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": [{"id": vocab[s], "content": s, "single_word": False, "lstrip": False, "rstrip": False,
                          "normalized": False, "special": True} for s in SPECIALS],
        "normalizer": {"type": "BertNormalizer", "clean_text": True, "handle_chinese_chars": True,
                       "strip_accents": None, "lowercase": True},
        "pre_tokenizer": {"type": "BertPreTokenizer"},
        "post_processor": {"type": "TemplateProcessing",
                           "single": [{"SpecialToken": {"id": "[CLS]", "type_id": 0}},
                                      {"Sequence": {"id": "A", "type_id": 0}},
                                      {"SpecialToken": {"id": "[SEP]", "type_id": 0}}],
                           "pair": [{"SpecialToken": {"id": "[CLS]", "type_id": 0}},
                                    {"Sequence": {"id": "A", "type_id": 0}},
                                    {"SpecialToken": {"id": "[SEP]", "type_id": 0}},
                                    {"Sequence": {"id": "B", "type_id": 1}},
                                    {"SpecialToken": {"id": "[SEP]", "type_id": 1}}],
                           "special_tokens": {s: {"id": s, "ids": [vocab[s]], "tokens": [s]} for s in ("[CLS]", "[SEP]")}},
        "decoder": {"type": "WordPiece", "prefix": "##", "cleanup": True},
        "model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##",
                  "max_input_chars_per_word": 100, "vocab": vocab},
    }
    with open(os.path.join(a.out, "tokenizer.json"), "w", encoding="utf-8") as f:
        json.dump(tok_json, f, ensure_ascii=False, indent=1)
    if not a.bert_size:
        # The same model with a pooled sentence_embedding output only.
        pdir = a.out + "-pooled"
        os.makedirs(pdir, exist_ok=True)
        onnx.save(build_onnx(w, hidden, heads, eps, pooled=True), os.path.join(pdir, "model.onnx"))
        with open(os.path.join(pdir, "tokenizer.json"), "w", encoding="utf-8") as f:
            json.dump(tok_json, f, ensure_ascii=False, indent=1)
    if a.bert_size:
        print("wrote", a.out)
        return

    cases = []
    for s in SENTENCES:
        toks, ids = tokenize(s, vocab, 256)
        h = forward(w, ids, heads, eps)
        v = h.mean(0)  # every token is real: mean pooling over the mask is the plain mean
        v = v / np.linalg.norm(v)
        cases.append({"text": s, "tokens": toks, "ids": ids, "embedding": [round(float(x), 7) for x in v]})
    trunc = []
    for n in (2, 3, 8):
        toks, ids = tokenize(SENTENCES[14], vocab, n)
        h = forward(w, ids, heads, eps)
        v = h.mean(0)
        trunc.append({"max_tokens": n, "ids": ids, "embedding": [round(float(x), 7) for x in v / np.linalg.norm(v)]})
    with open(os.path.join(a.out, "expected.json"), "w", encoding="utf-8") as f:
        json.dump({"dim": hidden, "cases": cases, "truncated": {"text": SENTENCES[14], "cases": trunc}},
                  f, ensure_ascii=False, indent=1)
    print("wrote", a.out)


if __name__ == "__main__":
    main()
