#!/usr/bin/env python3
"""Runs the PyTorch reference (../shared/anchors/ref_seq2seq.py, imported unchanged) on a model
trained by nmt, so that both programs decode the same weights with the same subwords.

nmt's reference architecture (configs/multi30k_en_de.yaml) has the reference's layout, so its
parameters map one to one onto the reference's state_dict (the reference's attentional-vector
bias, which nmt does not have, is set to 0). The reference trains its own SentencePiece model at
start-up; here that step copies nmt's spm.model instead (same special ids: unk 0, pad 1, s 2,
/s 3). Everything else, --load included, is the reference's own code and arguments.

  ref_on_nmt_model.py ANCHOR NMT_MODEL_DIR -- --data DIR --out DIR --threads 2 ...
"""
import importlib.util
import os
import shutil
import sys

import torch


def nmt_parameters(checkpoint):
    return dict(torch.jit.load(checkpoint).model)


def reference_state_dict(p):
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
           "dec.out.weight": p["decoder.output.weight"]}
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
    torch.save(reference_state_dict(nmt_parameters(os.path.join(model_dir, "best.ckpt"))), weights)

    spec = importlib.util.spec_from_file_location("ref_seq2seq", anchor)
    ref = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(ref)
    ref.train_spm = lambda texts, prefix, vocab_size, threads: shutil.copy(
        os.path.join(model_dir, "spm.model"), prefix + ".model")
    sys.argv = [anchor] + rest + ["--load", weights]
    ref.main()


if __name__ == "__main__":
    main()
