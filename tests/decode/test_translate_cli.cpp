// `nmt translate` as a user runs it: one line out per line in (empty, very long and
// space-only lines included), n-best output, attention records, and bad input.
#include <torch/cuda.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "data/corpus.h"
#include "support/one_line_error.h"
#include "support/run_command.h"
#include "train/train_fixtures.h"

using nmt::test::nmt_binary;
using nmt::test::run_command;

using nmt::test::train_tiny_model;

TEST_CASE("translate: one line out per line in, in order", "[decode][translate]") {
  nmt::test::TempDir dir;
  const auto model = train_tiny_model(dir);
  std::string long_line;
  for (int i = 0; i < 400; ++i) long_line += i % 2 ? "red " : "dog ";
  nmt::test::write_text(dir.file("in.txt"),
                        "red dog\n\n   \n" + long_line + "\ncat sun tree\n\nboat");  // no final \n
  const auto translate =
      nmt_binary() + " translate --model '" + model + "' --input '" + dir.file("in.txt") + "'";

  const auto r = run_command(translate + " --beam 3 --output '" + dir.file("out.txt") +
                             "' --attention-out '" + dir.file("att.jsonl") + "'");
  INFO(r.output);
  REQUIRE(r.status == 0);
  const auto out = nmt::read_lines(dir.file("out.txt"));
  REQUIRE(out.size() == 7);
  CHECK(out[1].empty());
  CHECK(out[5].empty());

  const auto records = nmt::read_lines(dir.file("att.jsonl"));
  REQUIRE(records.size() == 7);
  for (size_t i = 0; i < records.size(); ++i) {
    const auto j = nlohmann::json::parse(records[i]);
    CHECK(j["line"] == i + 1);
    CHECK(j["attention"].size() == j["target"].size());
    for (const auto& row : j["attention"]) CHECK(row.size() == j["source"].size());
    CHECK(j["translation"] == out[i]);
  }
  CHECK(nlohmann::json::parse(records[0])["source"].back() == "</s>");

  SECTION("n-best lists: N lines per input, `line ||| text ||| score`, best first") {
    const auto nbest =
        run_command(translate + " --beam 4 --nbest 3 --output '" + dir.file("nbest.txt") + "'");
    REQUIRE(nbest.status == 0);
    const auto lines = nmt::read_lines(dir.file("nbest.txt"));
    int for_first = 0;
    double previous = 1e9;
    for (const auto& l : lines) {
      if (l.rfind("0 ||| ", 0) != 0) continue;
      ++for_first;
      const double score = std::stod(l.substr(l.rfind("||| ") + 4));
      CHECK(score <= previous);
      previous = score;
    }
    CHECK(for_first == 3);
  }
}

TEST_CASE("translate: invalid UTF-8 and a missing model are one-line errors",
          "[decode][translate]") {
  nmt::test::TempDir dir;
  const auto model = train_tiny_model(dir);
  nmt::test::write_text(dir.file("bad.txt"), "red dog\ncat \xC3\x28\n");
  const auto bad = run_command(nmt_binary() + " translate --model '" + model + "' --input '" +
                               dir.file("bad.txt") + "'");
  CHECK(bad.status != 0);
  CHECK_THAT(bad.output, Catch::Contains(dir.file("bad.txt") + ":2: invalid UTF-8"));

  const auto missing = run_command(nmt_binary() + " translate --model '" + dir.file("none") + "'");
  CHECK(missing.status != 0);
  CHECK_THAT(missing.output, Catch::Contains("nmt: error: --model: no checkpoint in"));
}

TEST_CASE("translate: an ensemble of a model with itself prints what the model prints",
          "[decode][translate][ensemble]") {
  nmt::test::TempDir dir;
  const auto model = train_tiny_model(dir);
  nmt::test::write_text(dir.file("in.txt"), "red dog\ncat sun tree\nboat car blue\n");
  const auto translate = nmt_binary() + " translate --input '" + dir.file("in.txt") +
                         "' --beam 4 --nbest 3 --model '" + model + "'";
  const auto alone = run_command(translate + " --output '" + dir.file("alone.txt") + "'");
  const auto twice =
      run_command(translate + " --model '" + model + "' --output '" + dir.file("twice.txt") + "'");
  INFO(alone.output << twice.output);
  REQUIRE(alone.status == 0);
  REQUIRE(twice.status == 0);
  CHECK_THAT(twice.output, Catch::Contains("an ensemble of 2 models"));
  const auto expected = nmt::test::read_text(dir.file("alone.txt"));
  CHECK(nmt::read_lines(dir.file("alone.txt")).size() == 9);
  CHECK(nmt::test::read_text(dir.file("twice.txt")) == expected);
}

TEST_CASE("translate: an ensemble of models with other subword models is one error line",
          "[decode][translate][ensemble]") {
  nmt::test::TempDir dir, other_dir;
  const auto model = train_tiny_model(dir);
  nmt::test::write_reverse_corpus(other_dir, 200, 0);
  const auto config = other_dir.file("c.yaml");
  nmt::test::write_text(config,
                        nmt::test::tiny_train_yaml(other_dir, other_dir.file("model"), false));
  const auto trained = run_command(nmt_binary() + " train '" + config +
                                   "' --set train.max_steps=2 --set data.subwords.vocab_size=20");
  INFO(trained.output);
  REQUIRE(trained.status == 0);
  const auto other = other_dir.file("model");

  const auto mixed = nmt::test::run_nmt("translate --model '" + model + "' --model '" + other +
                                        "' --input /dev/null");
  CHECK_THAT(nmt::test::require_one_line_error(mixed),
             Catch::Contains(
                 other +
                 "/checkpoints/step-00000002.ckpt: it was trained with other subword models than " +
                 model + "/spm.model"));

  const auto checkpoints = nmt::test::run_nmt("translate --model '" + model + "' --checkpoint '" +
                                              model + "/checkpoints/x.ckpt' " + "--checkpoint '" +
                                              model + "/checkpoints/y.ckpt' --input /dev/null");
  CHECK_THAT(nmt::test::require_one_line_error(checkpoints),
             Catch::Contains("--checkpoint is given 2 times and --model 1"));
}

TEST_CASE("translate: a --checkpoint trained with other subwords of the same size is refused",
          "[decode][translate][errors]") {
  nmt::test::TempDir dir, other_dir;
  const auto model = train_tiny_model(dir);
  nmt::test::write_reverse_corpus(other_dir, 200, 0, 7);  // other sentences, the same size
  const auto config = other_dir.file("c.yaml");
  nmt::test::write_text(config,
                        nmt::test::tiny_train_yaml(other_dir, other_dir.file("model"), false));
  const auto trained =
      run_command(nmt_binary() + " train '" + config + "' --set train.max_steps=2");
  INFO(trained.output);
  REQUIRE(trained.status == 0);
  const auto foreign = other_dir.file("model/checkpoints/step-00000002.ckpt");
  // Copied beside the model's own, where only the fingerprint it records tells them apart.
  std::filesystem::copy_file(foreign, model + "/checkpoints/foreign.ckpt");
  for (const auto& checkpoint : {foreign, model + "/checkpoints/foreign.ckpt"}) {
    const auto refused = nmt::test::require_one_line_error(nmt::test::run_nmt(
        "translate --model '" + model + "' --checkpoint '" + checkpoint + "' --input /dev/null"));
    CHECK_THAT(refused, Catch::Contains(checkpoint +
                                        ": it was trained with other subword models "
                                        "than " +
                                        model + "/spm.model"));
  }
  const auto own = run_command(nmt_binary() + " translate --model '" + model + "' --checkpoint '" +
                               model + "/checkpoints/step-00000005.ckpt' --input /dev/null");
  INFO(own.output);
  CHECK(own.status == 0);
}

TEST_CASE("translate, align and serve: a --device that is not here is one error line",
          "[decode][translate][device]") {
  nmt::test::TempDir dir;
  const auto model = train_tiny_model(dir);
  nmt::test::write_text(dir.file("in.txt"), "red dog\n");
  const std::string input = " --input '" + dir.file("in.txt") + "'";
  const std::vector<std::string> commands = {
      "translate --model '" + model + "'" + input,
      "align --model '" + model + "'" + input + " --reference '" + dir.file("in.txt") + "'",
      "serve --port 0 --model '" + model + "'"};
  for (const auto& command : commands) {
    CAPTURE(command);
    CHECK_THAT(nmt::test::require_one_line_error(nmt::test::run_nmt(command + " --device tpu")),
               Catch::Contains("--device: 'tpu' is not a device (expected cpu, cuda or cuda:N)"));
    if (!torch::cuda::is_available()) {
      CHECK_THAT(
          nmt::test::require_one_line_error(nmt::test::run_nmt(command + " --device cuda:0")),
          Catch::Contains("--device: cuda:0 is not available"));
    }
  }
  const auto on_cpu =
      run_command(nmt_binary() + " translate --device cpu --model '" + model + "'" + input);
  INFO(on_cpu.output);
  CHECK(on_cpu.status == 0);
}

TEST_CASE("translate and align: two outputs naming one file are refused before writing",
          "[decode][translate][errors]") {
  nmt::test::TempDir dir;
  const auto model = train_tiny_model(dir);
  nmt::test::write_text(dir.file("in.txt"), "red dog\n");
  nmt::test::write_text(dir.file("kept.txt"), "kept\n");
  REQUIRE(::symlink(dir.file("kept.txt").c_str(), dir.file("link.txt").c_str()) == 0);
  const auto in = " --input '" + dir.file("in.txt") + "'";
  for (const std::string command :
       {"translate --model '" + model + "'" + in,
        "align --model '" + model + "'" + in + " --reference '" + dir.file("in.txt") + "'"}) {
    CAPTURE(command);
    // The same name, and a link to the other.
    for (const std::string second : {dir.file("kept.txt"), dir.file("link.txt")}) {
      const auto line = nmt::test::require_one_line_error(nmt::test::run_nmt(
          command + " --output '" + dir.file("kept.txt") + "' --attention-out '" + second + "'"));
      CHECK_THAT(line, Catch::Contains("name the same file"));
      CHECK(nmt::test::read_text(dir.file("kept.txt")) == "kept\n");
    }
  }
}

TEST_CASE("translate and evaluate: input from pipes, FIFOs and /dev/stdin", "[decode][translate]") {
  nmt::test::TempDir dir;
  const auto model = train_tiny_model(dir);
  nmt::test::write_text(dir.file("in.txt"), "red dog\ncat sun\n");
  const auto translate = nmt_binary() + " translate --model '" + model + "' --workers 1";
  const auto file = run_command(translate + " --input '" + dir.file("in.txt") + "' --output '" +
                                dir.file("file.out") + "'");
  INFO(file.output);
  REQUIRE(file.status == 0);
  const auto expected = nmt::test::read_text(dir.file("file.out"));
  REQUIRE(!expected.empty());

  const auto stdin_path =
      run_command("cat '" + dir.file("in.txt") + "' | " + translate +
                  " --input /dev/stdin --output '" + dir.file("stdin.out") + "'");
  INFO(stdin_path.output);
  CHECK(stdin_path.status == 0);
  CHECK(nmt::test::read_text(dir.file("stdin.out")) == expected);

  const auto fifo = dir.file("fifo");
  const auto from_fifo = run_command(
      "mkfifo '" + fifo + "' && (timeout 60 cat '" + dir.file("in.txt") + "' > '" + fifo +
      "' &) && " + translate + " --input '" + fifo + "' --output '" + dir.file("fifo.out") + "'");
  INFO(from_fifo.output);
  CHECK(from_fifo.status == 0);
  CHECK(nmt::test::read_text(dir.file("fifo.out")) == expected);

  // evaluate's --ref and --hyp, both FIFOs.
  nmt::test::write_text(dir.file("text.txt"), "the red dog sat on the mat\n");
  const auto ref = dir.file("ref"), hyp = dir.file("hyp");
  const auto scores = run_command(
      "mkfifo '" + ref + "' '" + hyp + "' && (timeout 60 cat '" + dir.file("text.txt") + "' > '" +
      ref + "' &) && (timeout 60 cat '" + dir.file("text.txt") + "' > '" + hyp + "' &) && " +
      nmt_binary() + " evaluate --ref '" + ref + "' --hyp '" + hyp + "'");
  INFO(scores.output);
  CHECK(scores.status == 0);
  CHECK_THAT(scores.output, Catch::Contains("BLEU = 100.00"));

  const auto folder = nmt::test::require_one_line_error(nmt::test::run_nmt(
      "translate --model '" + model + "' --input '" + dir.path().string() + "'"));
  CHECK_THAT(folder, Catch::Contains("is a folder, not a file"));
}

TEST_CASE("translate: writes translations as it reads, and stops quietly when the reader goes",
          "[decode][translate]") {
  nmt::test::TempDir dir;
  const auto model = train_tiny_model(dir);
  std::string lines;
  for (int i = 0; i < 65536; ++i) lines += i % 2 == 0 ? "red dog cat sun\n" : "tree sun red\n";
  nmt::test::write_text(dir.file("big.txt"), lines);
  // Batches of 4, one worker: translated and written 64 lines at a time.
  const auto translate = nmt_binary() + " translate --model '" + model +
                         "' --beam 1 --workers 1 --batch-size 4 --input ";

  // Output comes while the input is still open: the FIFO's writer holds it for 60 s more.
  nmt::test::write_text(dir.file("streamed.sh"),
                        "cd '" + dir.path().string() + "'\nmkfifo fifo\n" +
                            "(cat big.txt; exec sleep 60) > fifo &\nwriter=$!\n" + translate +
                            "fifo > out.txt 2> /dev/null &\nreader=$!\n"
                            "for i in $(seq 300); do\n"
                            "  [ \"$(wc -l < out.txt)\" -ge 64 ] && break\n  sleep 0.1\ndone\n"
                            "echo \"lines: $(wc -l < out.txt)\"\n"
                            "kill $reader $writer\n");
  const auto streamed = run_command("bash '" + dir.file("streamed.sh") + "'");
  INFO(streamed.output);
  const auto seen = streamed.output.find("lines: ");
  REQUIRE(seen != std::string::npos);
  CHECK(std::stoi(streamed.output.substr(seen + 7)) >= 64);

  // A reader that leaves after one line ends the translation without an error, whether
  // SIGPIPE stops nmt (141) or is ignored and the write fails (EPIPE).
  for (const std::string sigpipe : {"", "trap '' PIPE; "}) {
    CAPTURE(sigpipe);
    const auto cut = run_command("bash -c \"" + sigpipe + "set -o pipefail; " + translate + "'" +
                                 dir.file("big.txt") + "' 2> '" + dir.file("err.txt") +
                                 "' | head -n 1; echo status: \\$?\"");
    INFO(cut.output);
    const auto status = cut.output.find("status: ");
    REQUIRE(status != std::string::npos);
    const int code = std::stoi(cut.output.substr(status + 8));
    CHECK((code == 0 || code == 141));
    const auto err = nmt::test::read_text(dir.file("err.txt"));
    INFO(err);
    CHECK(err.find("error") == std::string::npos);
    // It stopped at the first batches it could not write, not after all 1,024.
    size_t searches = 0;
    for (size_t at = 0; (at = err.find(" sentences, ", at)) != std::string::npos; ++at) ++searches;
    CHECK(searches < 10);
  }
}

TEST_CASE(
    "translate and align: an input longer than --max-input-tokens is one error naming its line",
    "[decode][translate][errors]") {
  nmt::test::TempDir dir;
  const auto model = train_tiny_model(dir);
  std::string long_line;
  for (int i = 0; i < 500; ++i) long_line += "red dog ";
  nmt::test::write_text(dir.file("in.txt"), "red dog\n" + long_line + "\n");
  nmt::test::write_text(dir.file("short.txt"), "red dog\ncat\n");
  const auto m = " --model '" + model + "'";
  const auto in = " --input '" + dir.file("in.txt") + "'";
  // The default: 4 x the model's data.max_len (100).
  const auto by_default = nmt::test::require_one_line_error(
      nmt::test::run_nmt("translate" + m + in + " --output '" + dir.file("out.txt") + "'"));
  CHECK_THAT(by_default, Catch::Contains(dir.file("in.txt") + ":2: ") &&
                             Catch::Contains("more than the 400") &&
                             Catch::Contains("--max-input-tokens"));
  CHECK(!std::filesystem::exists(dir.file("out.txt")));
  const auto lowered = nmt::test::require_one_line_error(nmt::test::run_nmt(
      "translate" + m + " --max-input-tokens 1 --input '" + dir.file("short.txt") + "'"));
  CHECK_THAT(lowered, Catch::Contains("short.txt:1: ") && Catch::Contains("more than the 1 "));
  const auto unlimited = run_command(nmt_binary() + " translate" + m + in +
                                     " --beam 1 --max-input-tokens 0 --max-len-a 0 --max-len-b 5");
  INFO(unlimited.output);
  CHECK(unlimited.status == 0);

  const auto reference = nmt::test::require_one_line_error(
      nmt::test::run_nmt("align" + m + " --input '" + dir.file("short.txt") + "' --reference '" +
                         dir.file("in.txt") + "'"));
  CHECK_THAT(reference, Catch::Contains(dir.file("in.txt") + ":2: "));
}
