// A full disk, through a small tmpfs filled to the last page: every command that writes says
// so in one line and leaves the files it would have replaced as they were, with no temporary
// files behind. Needs permission to mount a tmpfs (root); skipped with a warning otherwise.
#include <fcntl.h>
#include <sys/mount.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <string>

#include "support/one_line_error.h"
#include "train/train_fixtures.h"

using Catch::Contains;
using nmt::test::quoted;
using nmt::test::require_one_line_error;
using nmt::test::run_command;
using nmt::test::run_nmt;
using nmt::test::snapshot;
using nmt::test::TempDir;
using nmt::test::write_text;

namespace {

// A 1 MiB tmpfs mounted on `dir` for the object's lifetime.
class SmallTmpfs {
 public:
  explicit SmallTmpfs(const std::string& dir) : dir_(dir) {
    std::filesystem::create_directories(dir_);
    mounted_ = ::mount("tmpfs", dir_.c_str(), "tmpfs", 0, "size=1m") == 0;
  }
  ~SmallTmpfs() {
    if (mounted_) ::umount2(dir_.c_str(), MNT_DETACH);
  }
  SmallTmpfs(const SmallTmpfs&) = delete;
  SmallTmpfs& operator=(const SmallTmpfs&) = delete;
  bool mounted() const { return mounted_; }

  // Writes dir/filler until the file system has no page left.
  void fill() const {
    const int fd = ::open((dir_ + "/filler").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    REQUIRE(fd >= 0);
    const std::string block(4096, 'f');
    while (::write(fd, block.data(), block.size()) > 0) {
    }
    while (::write(fd, block.data(), 1) > 0) {
    }
    ::close(fd);
  }

 private:
  std::string dir_;
  bool mounted_ = false;
};

}  // namespace

// [needs_tmpfs]: a ctest entry of its own, skipped where no tmpfs can be mounted (CMakeLists.txt).
TEST_CASE("robustness: a full disk under translate evaluate and prepare is one error line",
          "[robustness][disk][needs_tmpfs]") {
  TempDir dir;
  nmt::test::write_reverse_corpus(dir, 100, 0);
  const auto config = dir.file("c.yaml");
  write_text(config, nmt::test::tiny_train_yaml(dir, dir.file("model"), false));
  const auto trained = run_command(nmt::test::nmt_binary() + " train " + quoted(config) +
                                   " --set train.max_steps=2");
  INFO(trained.output);
  REQUIRE(trained.status == 0);
  write_text(dir.file("in.txt"), "red dog\ncat sun tree\n");

  const std::string disk = dir.file("disk");
  SmallTmpfs tmpfs(disk);
  REQUIRE(tmpfs.mounted());
  write_text(disk + "/out.txt", "previous translations\n");
  // Empty: appending to a file with room left in its last page would still succeed.
  write_text(disk + "/scores.txt", "");
  tmpfs.fill();
  const auto before = snapshot(disk);

  const auto translate = require_one_line_error(
      run_nmt("translate --model " + quoted(dir.file("model")) + " --input " +
              quoted(dir.file("in.txt")) + " --output " + quoted(disk + "/out.txt")));
  CHECK_THAT(translate, Contains(disk + "/out.txt") && Contains("No space left on device"));
  CHECK(snapshot(disk) == before);

  const auto evaluate = require_one_line_error(
      run_nmt("evaluate --ref " + quoted(dir.file("in.txt")) + " --hyp " +
              quoted(dir.file("in.txt")) + " >> " + quoted(disk + "/scores.txt")));
  CHECK_THAT(evaluate, Contains("standard output") && Contains("No space left on device"));
  CHECK(snapshot(disk) == before);

  const auto prepare = require_one_line_error(
      run_nmt("prepare " + quoted(config) + " --set model_dir=" + disk + "/model"));
  CHECK_THAT(prepare, Contains(disk + "/model") && Contains("No space left on device"));
  auto after = snapshot(disk);
  after.erase("model");  // the folder prepare was asked to create, and its lock file
  after.erase("model/.lock");
  CHECK(after == before);
}
