#!/usr/bin/env python3
"""Runs the PyTorch reference (../shared/anchors/ref_seq2seq.py, imported unchanged) on a model
trained by nmt, so that both programs decode the same weights with the same subwords.

nmt's reference architecture (configs/multi30k_en_de.yaml) has the reference's layout, so its
parameters map one to one onto the reference's state_dict (the reference's attentional-vector
bias, which nmt does not have, is set to 0). The CPU recipe (configs/multi30k_en_de_cpu.yaml)
has the same layout with other sizes (decoder hidden 256, 4000 pieces) and tied target
embeddings: the reference's model is made with the sizes of the model's config.yaml, and its
output layer gets a copy of the target embeddings. Any other architecture is refused. The reference trains its own SentencePiece model at
start-up; here that step copies nmt's spm.model instead (same special ids: unk 0, pad 1, s 2,
/s 3). Everything else, --load included, is the reference's own code and arguments.

  ref_on_nmt_model.py ANCHOR NMT_MODEL_DIR -- --data DIR --out DIR --threads 2 ...
"""
import importlib.util
import os
import shutil
import sys

import torch
import yaml


def nmt_parameters(checkpoint):
    return dict(torch.jit.load(checkpoint).model)


def reference_sizes(model_dir):
    """The reference's Seq2Seq sizes for the nmt model in model_dir, or exits naming why not."""
    model = yaml.safe_load(open(os.path.join(model_dir, "config.yaml")))["model"]
    enc, dec, att = model["encoder"], model["decoder"], model["attention"]
    layout = {"encoder": (enc["type"], enc["rnn"], enc["layers"], enc["bidirectional"]),
              "decoder": (dec["rnn"], dec["layers"], dec["style"], dec["input_feeding"],
                          dec["init"]),
              "attention": (att["type"], att.get("normalizer", "softmax")),
              "embedding_dim": (enc["embedding_dim"],)}
    expected = {"encoder": ("rnn", "gru", 1, True), "decoder": ("gru", 1, "luong", True, "bridge"),
                "attention": ("mlp", "softmax"), "embedding_dim": (dec["embedding_dim"],)}
    for key, value in layout.items():
        if value != expected[key]:
            sys.exit(f"ref_on_nmt_model: {model_dir}: model.{key} is {value}; the reference "
                     f"runs {expected[key]} only")
    return {"emb": enc["embedding_dim"], "enc_hidden": enc["hidden"],
            "dec_hidden": dec["hidden"]}, bool(dec.get("tied_embeddings", False))


def reference_state_dict(p, tied):
    enc, dec = "encoder.rnn.gru.", "decoder.rnn.gru."
    out = {"enc.emb.weight": p["encoder.embedding.weight"],
           "dec.emb.weight": p["decoder.embedding.weight"],
           "dec.bridge.weight": p["decoder.bridge.weight"],
           "dec.bridge.bias": p["decoder.bridge.bias"],
           "dec.key.weight": p["decoder.attention.key_proj.weight"],
           "dec.query.weight": p["decoder.attention.query_proj.weight"],
           "dec.energy.weight": p["decoder.attention.v.weight"],
           "dec.att_vec.weight": p["decoder.attentional.weight"],
           "dec.att_vec.bias": torch.zeros(p["decoder.attentional.weight"].size(0)),
           "dec.out.weight": (p["decoder.embedding.weight"] if tied
                              else p["decoder.output.weight"]).clone()}
    for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
        out[f"enc.fwd.{name}_l0"] = p[f"{enc}{name}_l0"]
        out[f"enc.bwd.{name}_l0"] = p[f"{enc}{name}_l0_reverse"]
        out[f"dec.cell.{name}"] = p[f"{dec}{name}_l0"]
    return out


def main():
    anchor, model_dir, rest = sys.argv[1], sys.argv[2], sys.argv[sys.argv.index("--") + 1:]
    out_dir = rest[rest.index("--out") + 1]
    os.makedirs(out_dir, exist_ok=True)
    weights = os.path.join(out_dir, "nmt_weights.pt")
    sizes, tied = reference_sizes(model_dir)
    torch.save(reference_state_dict(nmt_parameters(os.path.join(model_dir, "best.ckpt")), tied),
               weights)

    spec = importlib.util.spec_from_file_location("ref_seq2seq", anchor)
    ref = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(ref)
    made = ref.Seq2Seq.__init__
    ref.Seq2Seq.__init__ = lambda self, src_vocab, trg_vocab, **kw: made(
        self, src_vocab, trg_vocab, **{**kw, **sizes})
    ref.train_spm = lambda texts, prefix, vocab_size, threads: shutil.copy(
        os.path.join(model_dir, "spm.model"), prefix + ".model")
    sys.argv = [anchor] + rest + ["--load", weights]
    ref.main()


if __name__ == "__main__":
    main()
