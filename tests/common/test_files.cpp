// write_file_atomic: concurrent writers, symlinks, device nodes and FIFOs, write errors.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <string>
#include <thread>

#include "common/errors.h"
#include "common/files.h"
#include "support/temp_dir.h"

namespace fs = std::filesystem;
using Catch::Contains;
using nmt::write_file_atomic;
using nmt::test::read_text;
using nmt::test::TempDir;
using nmt::test::write_text;

TEST_CASE("files: concurrent writers to one path all succeed and one wins with no leftovers",
          "[files][robustness]") {
  TempDir dir;
  const std::string path = dir.file("out.txt");
  const std::string a(100000, 'a'), b(100000, 'b');
  for (int round = 0; round < 20; ++round) {
    bool failed_a = false, failed_b = false;
    auto writer = [&path](const std::string& text, bool& failed) {
      for (int i = 0; i < 10; ++i) {
        try {
          write_file_atomic(path, text);
        } catch (const std::exception&) {
          failed = true;
        }
      }
    };
    std::thread ta(writer, std::cref(a), std::ref(failed_a));
    std::thread tb(writer, std::cref(b), std::ref(failed_b));
    ta.join();
    tb.join();
    CHECK_FALSE(failed_a);
    CHECK_FALSE(failed_b);
    const std::string result = read_text(path);
    CHECK((result == a || result == b));
  }
  size_t files = 0;
  for (const auto& entry : fs::directory_iterator(dir.path())) {
    INFO(entry.path());
    CHECK(entry.path().filename() == "out.txt");
    ++files;
  }
  CHECK(files == 1);
  CHECK((fs::status(path).permissions() & fs::perms::all) ==
        (fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read |
         fs::perms::others_read));
}

TEST_CASE("files: writing through a symlink changes the target and keeps the link",
          "[files][robustness]") {
  TempDir dir;
  fs::create_directory(dir.file("real"));
  write_text(dir.file("real/target.txt"), "old\n");
  fs::create_symlink("real/target.txt", dir.file("link.txt"));
  write_file_atomic(dir.file("link.txt"), "new\n");
  CHECK(fs::is_symlink(dir.file("link.txt")));
  CHECK(read_text(dir.file("real/target.txt")) == "new\n");

  // A dangling link: the file it names is created.
  fs::create_symlink("real/later.txt", dir.file("dangling.txt"));
  write_file_atomic(dir.file("dangling.txt"), "created\n");
  CHECK(fs::is_symlink(dir.file("dangling.txt")));
  CHECK(read_text(dir.file("real/later.txt")) == "created\n");
}

TEST_CASE("files: a FIFO is written through and not replaced by a regular file",
          "[files][robustness]") {
  TempDir dir;
  const std::string fifo = dir.file("pipe");
  REQUIRE(::mkfifo(fifo.c_str(), 0644) == 0);
  // The read end opened first (non-blocking), so the writer finds a reader and never waits.
  const int reader = ::open(fifo.c_str(), O_RDONLY | O_NONBLOCK);
  REQUIRE(reader >= 0);
  write_file_atomic(fifo, "through the pipe\n");
  char buf[64] = {};
  const ssize_t n = ::read(reader, buf, sizeof buf);
  ::close(reader);
  CHECK(fs::is_fifo(fifo));
  CHECK(std::string(buf, n > 0 ? n : 0) == "through the pipe\n");
}

TEST_CASE("files: a FIFO nobody reads is an error and not a hang", "[files][robustness]") {
  TempDir dir;
  const std::string fifo = dir.file("pipe");
  REQUIRE(::mkfifo(fifo.c_str(), 0644) == 0);
  REQUIRE_THROWS_WITH(write_file_atomic(fifo, "nobody listens\n"), Contains(fifo));
  CHECK(fs::is_fifo(fifo));
}

TEST_CASE("files: /dev/null stays a device", "[files][robustness]") {
  REQUIRE(fs::is_character_file("/dev/null"));
  write_file_atomic("/dev/null", "discarded\n");
  CHECK(fs::is_character_file("/dev/null"));
  // Written through, not replaced: no temporary file beside it, whatever its name.
  for (const auto& entry : fs::directory_iterator("/dev")) {
    CHECK(entry.path().filename().string().rfind("null.", 0) != 0);
  }
}

// [needs_dev_full]: a ctest entry of its own, skipped where there is no /dev/full (CMakeLists.txt).
TEST_CASE("files: /dev/full is an error naming it", "[files][robustness][needs_dev_full]") {
  REQUIRE(fs::is_character_file("/dev/full"));
  REQUIRE_THROWS_WITH(write_file_atomic("/dev/full", "no room\n"),
                      Contains("/dev/full") && Contains("No space left on device"));
  CHECK(fs::is_character_file("/dev/full"));
}

TEST_CASE("files: a directory in the way is an error naming it", "[files][robustness]") {
  TempDir dir;
  fs::create_directory(dir.file("taken"));
  REQUIRE_THROWS_WITH(write_file_atomic(dir.file("taken"), "x"), Contains(dir.file("taken")));
  CHECK(fs::is_directory(dir.file("taken")));
}

TEST_CASE("files: content written piece by piece arrives whole and in order", "[files]") {
  TempDir dir;
  write_text(dir.file("old"), "old content\n");
  write_file_atomic(dir.file("old"), [](const nmt::PieceWriter& write) {
    for (const char* piece : {"one ", "", "two ", "three\n"}) write(piece);
  });
  CHECK(read_text(dir.file("old")) == "one two three\n");
  CHECK(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator{}) == 1);
}

TEST_CASE("files: a failed piece is reported after the producer finishes, not thrown inside it",
          "[files][robustness][needs_dev_full]") {
  REQUIRE(fs::is_character_file("/dev/full"));
  int pieces = 0;
  REQUIRE_THROWS_WITH(write_file_atomic("/dev/full",
                                        [&](const nmt::PieceWriter& write) {
                                          for (int i = 0; i < 3; ++i) {
                                            write("no room\n");  // must not throw
                                            ++pieces;
                                          }
                                        }),
                      Contains("/dev/full") && Contains("No space left on device"));
  CHECK(pieces == 3);
}
