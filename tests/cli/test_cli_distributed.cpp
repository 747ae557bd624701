// latentlab-cli train, data parallel, end to end on 256 Fashion-MNIST images and a tiny VAE:
// --nproc 2 with a batch of B per process trains the same weights as one process with 2B, a
// resume may change the number of processes, and when one rank is killed the other stops with a
// message naming it while the last checkpoint stays whole.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <torch/torch.h>
#include <unistd.h>

#include <chrono>
#include <regex>
#include <thread>

#include "core/io/checkpoint_file.h"
#include "core/model/model_file.h"
#include "core/training/train_settings.h"
#include "tests/cli/cli_run.h"
#include "tests/core/temp_dir.h"
#include "tests/hostile/child_process.h"

using namespace latentlab;
using latentlab::test::quote;

namespace {

const std::string kData = "--data fashion-mnist:test --limit 256";
const std::string kTinyVae =
    "train vae " + kData + " --channels 4,8 --latent-dim 2 --seed 5 --threads 1";

class DistributedCliTest : public ::testing::Test {
 protected:
  std::string file(const std::string& name) const { return dir_.file(name); }
  test::CliResult run(const std::string& args) const { return test::run_cli(args, dir_.path()); }
  static std::string last_error(const test::CliResult& r) {
    return r.err_lines.empty() ? "(no stderr)" : r.err_lines.back();
  }

  // A worker of a two-host run on this host, started directly (one process per "host").
  std::unique_ptr<test::ChildProcess> start_rank(int rank, int port, const std::string& out,
                                                 const std::string& data = "fashion-mnist:test") {
    const std::vector<std::string> argv = {LATENTLAB_CLI,
                                           "train",
                                           "vae",
                                           "--data",
                                           data,
                                           "--limit",
                                           "256",
                                           "--channels",
                                           "4,8",
                                           "--latent-dim",
                                           "2",
                                           "--batch-size",
                                           "32",
                                           "--seed",
                                           "5",
                                           "--threads",
                                           "1",
                                           "--epochs",
                                           "100000",
                                           "--world-size",
                                           "2",
                                           "--rank",
                                           std::to_string(rank),
                                           "--master",
                                           "127.0.0.1:" + std::to_string(port),
                                           "--out",
                                           out};
    return std::make_unique<test::ChildProcess>(argv, dir_.path(), stderr_path(rank) + ".out",
                                                stderr_path(rank));
  }
  std::string stderr_path(int rank) const { return file("rank" + std::to_string(rank) + ".err"); }
  std::string error_line(int rank) const {
    for (const auto& line : test::lines_of(test::slurp(stderr_path(rank))))
      if (line.rfind("latentlab-cli: error: ", 0) == 0) return line;
    return "(no error line)";
  }

  TempDir dir_;
};

// The largest relative difference ||a - b|| / ||b|| over the weight tensors of two checkpoints.
// A norm rather than the worst element: Adam turns float noise in a near-zero gradient into a
// visibly different step for that one weight (one of 98 weights of a tensor moved 1.6e-5
// relative after 8 steps while the tensor as a whole agreed to 5e-7).
double relative_difference(const std::string& a, const std::string& b) {
  const auto fa = read_checkpoint_file(a), fb = read_checkpoint_file(b);
  double worst = 0.0;
  for (const auto& [name, t] : fb.tensors) {
    if (name.rfind("model/", 0) != 0) continue;
    const auto reference = t.to(torch::kFloat64);
    const auto other = fa.tensors.at(name).to(torch::kFloat64);
    worst = std::max(worst, (other - reference).norm().item<double>() /
                                std::max(reference.norm().item<double>(), 1e-12));
  }
  return worst;
}

// A port nobody listens on now (the kernel's choice for port 0).
int free_port() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  bind(fd, reinterpret_cast<sockaddr*>(&address), length);
  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  close(fd);
  return ntohs(address.sin_port);
}

// Blocks until the checkpoint holds at least one finished epoch.
void wait_for_checkpoint(const std::string& path, test::ChildProcess& rank0) {
  for (int i = 0; i < 1200 && !rank0.finished(); ++i) {
    try {
      if (read_train_state(path).epochs_done >= 1) return;
    } catch (const std::exception&) {
      // not written yet
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  FAIL() << "rank 0 wrote no checkpoint";
}

// The exit code, or minus the number of the signal that ended the process (-13: SIGPIPE).
int exit_code(int status) { return WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status); }

}  // namespace

TEST_F(DistributedCliTest, TwoProcessesTrainLikeOneWithTheDoubleBatch) {
  const auto two =
      run(kTinyVae + " --epochs 2 --batch-size 32 --nproc 2 --out " + quote(file("two.llckpt")));
  ASSERT_EQ(two.code, 0) << last_error(two);
  const auto one = run(kTinyVae + " --epochs 2 --batch-size 64 --out " + quote(file("one.llckpt")));
  ASSERT_EQ(one.code, 0) << last_error(one);
  // 8 steps of 64 images (4 epochs' worth of shuffles and noise shared out by rank).
  EXPECT_LT(relative_difference(file("two.llckpt"), file("one.llckpt")), 1e-5);
  const auto history = load_model(file("two.llckpt")).info.provenance.loss_history;
  ASSERT_EQ(history.size(), 2u);
  EXPECT_EQ(history[1]["processes"].get<int>(), 2);
  EXPECT_NEAR(history[1]["loss"].get<double>(),
              load_model(file("one.llckpt")).info.provenance.loss_history[1]["loss"].get<double>(),
              1e-4);

  // The test can tell: one process with the per-process batch ends far away.
  ASSERT_EQ(run(kTinyVae + " --epochs 2 --batch-size 32 --out " + quote(file("half.llckpt"))).code,
            0);
  EXPECT_GT(relative_difference(file("half.llckpt"), file("one.llckpt")), 1e-2);
}

TEST_F(DistributedCliTest, ResumeWithAnotherNumberOfProcesses) {
  ASSERT_EQ(run(kTinyVae + " --epochs 2 --batch-size 64 --out " + quote(file("one.llckpt"))).code,
            0);
  const auto first = run(kTinyVae + " --epochs 1 --batch-size 32 --nproc 2 --out " +
                         quote(file("resumed.llckpt")));
  ASSERT_EQ(first.code, 0) << last_error(first);
  // The global batch of 64 is stored; one process now trains on all of it.
  const auto second = run("train vae " + kData + " --threads 1 --epochs 2 --resume --out " +
                          quote(file("resumed.llckpt")));
  ASSERT_EQ(second.code, 0) << last_error(second);
  EXPECT_LT(relative_difference(file("resumed.llckpt"), file("one.llckpt")), 1e-5);
  EXPECT_EQ(read_train_state(file("resumed.llckpt")).settings.batch_size, 64);
}

TEST_F(DistributedCliTest, KillingARankStopsTheOtherWithItsNameAndAWholeCheckpoint) {
  const int port = free_port();
  const auto out = file("killed.llckpt");
  auto rank0 = start_rank(0, port, out);
  auto rank1 = start_rank(1, port, out);
  ASSERT_NO_FATAL_FAILURE(wait_for_checkpoint(out, *rank0));
  rank1->kill_hard();
  rank1->wait();
  for (int i = 0; i < 600 && !rank0->finished(); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  ASSERT_TRUE(rank0->finished()) << "rank 0 did not stop within 60 s";
  EXPECT_EQ(exit_code(rank0->wait()), 1);

  const std::string error = error_line(0);
  EXPECT_NE(error.find("rank 1 stopped without a word"), std::string::npos) << error;
  std::smatch held;
  ASSERT_TRUE(std::regex_search(error, held, std::regex("holds epoch (\\d+) and is intact")))
      << error;
  // The checkpoint on disk is the epoch the message names, whole and resumable.
  EXPECT_EQ(read_train_state(out).epochs_done, std::stoll(held[1]));
  EXPECT_NO_THROW(load_model(out));
}

TEST_F(DistributedCliTest, ARankThatFailsIsNamedWithItsReason) {
  const int port = free_port();
  auto rank0 = start_rank(0, port, file("a.llckpt"));
  auto rank1 = start_rank(1, port, file("a.llckpt"), "idx:" + file("missing-images.idx"));
  EXPECT_EQ(exit_code(rank1->wait()), 1);
  EXPECT_EQ(exit_code(rank0->wait()), 1);
  const std::string error = error_line(0);
  EXPECT_NE(error.find("rank 1 stopped: "), std::string::npos) << error;
  EXPECT_NE(error.find("missing-images.idx"), std::string::npos) << error;
}

TEST_F(DistributedCliTest, LosingRankZeroLosesTheStore) {
  const int port = free_port();
  const auto out = file("lost.llckpt");
  auto rank0 = start_rank(0, port, out);
  auto rank1 = start_rank(1, port, out);
  ASSERT_NO_FATAL_FAILURE(wait_for_checkpoint(out, *rank0));
  rank0->kill_hard();
  EXPECT_EQ(exit_code(rank1->wait()), 1);
  const std::string error = error_line(1);
  EXPECT_NE(error.find("rank 0 (the store at 127.0.0.1:" + std::to_string(port) + ") stopped"),
            std::string::npos)
      << error;
  EXPECT_NE(error.find("rank 0 writes the checkpoints"), std::string::npos) << error;
}

TEST_F(DistributedCliTest, RejectsConflictingGroupFlags) {
  const auto both =
      run(kTinyVae + " --nproc 2 --world-size 2 --master 127.0.0.1:1 --out " + quote(file("x")));
  EXPECT_EQ(both.code, 1);
  EXPECT_NE(last_error(both).find("use one or the other"), std::string::npos) << last_error(both);
  const auto no_master = run(kTinyVae + " --world-size 2 --rank 1 --out " + quote(file("x")));
  EXPECT_EQ(no_master.code, 1);
  EXPECT_NE(last_error(no_master).find("--master HOST:PORT"), std::string::npos)
      << last_error(no_master);
  const auto bad_master =
      run(kTinyVae + " --world-size 2 --rank 1 --master nowhere --out " + quote(file("x")));
  EXPECT_NE(last_error(bad_master).find("is not HOST:PORT"), std::string::npos)
      << last_error(bad_master);
}
