// Runs a real program (the sink, a fixture) as a child process for tests and the demo: its
// stdout and stderr are captured (and optionally teed to a file), and callers await lines in them.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "common/result.h"

namespace sfpe::testing {

class ChildProcess {
 public:
  using Environment = std::vector<std::pair<std::string, std::string>>;

  // Starts argv[0] (a path, or a name looked up in PATH) with this process's environment plus
  // `extra_env` (which overrides variables of the same name). The child starts with default
  // signal dispositions and an empty signal mask, and inherits no descriptor but 0, 1 and 2.
  // Its stdin is a pipe nobody writes to, open until close_stdin(), destruction, or the death of
  // this process (see exit_when_stdin_closes()).
  // When `tee_path` is not empty, everything the child writes is also appended to that file.
  static Result<std::unique_ptr<ChildProcess>> spawn(const std::vector<std::string>& argv,
                                                     const Environment& extra_env = {},
                                                     const std::string& tee_path = "");

  // Kills the child with SIGKILL if it still runs, and reaps it.
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }

  // The first complete stdout line (without its newline) that contains `text`, waiting up to
  // `timeout` for it; nullopt on timeout or when stdout closes without such a line.
  std::optional<std::string> wait_for_line(std::string_view text,
                                           std::chrono::milliseconds timeout);
  // True once stdout or stderr contains `text` (anywhere), waiting up to `timeout`.
  bool wait_for_output(std::string_view text, std::chrono::milliseconds timeout);

  std::string stdout_text() const;
  std::string stderr_text() const;

  // Gives the child end-of-file on stdin.
  void close_stdin();
  // Sends `signal` unless the child has already exited (never signals a recycled pid).
  void send_signal(int signal);
  // Exit code, or 128 + signal number when a signal ended it; nullopt if still running after
  // `timeout`. Returns once the output has been read to its end too (or at the timeout).
  std::optional<int> wait(std::chrono::milliseconds timeout);
  // SIGTERM, then wait(timeout); SIGKILL if that was not enough. The exit code as wait() gives it.
  int terminate(std::chrono::milliseconds timeout = std::chrono::seconds(10));

 private:
  ChildProcess() = default;
  void read_output(int stdout_fd, int stderr_fd, int wake_fd, int tee_fd);
  void reap();

  pid_t pid_ = -1;
  int stdin_write_fd_ = -1;
  int wake_read_fd_ = -1;  // a pipe the destructor writes to, to end read_output early
  int wake_write_fd_ = -1;

  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::string stdout_;
  std::string stderr_;
  bool stdout_closed_ = false;
  bool stderr_closed_ = false;
  bool exited_ = false;  // set, under mutex_, before the zombie is reaped
  int exit_code_ = -1;

  std::thread reader_;
  std::thread reaper_;
};

// For fixture programs: call first in main(), before any thread starts (threads inherit the
// mask), so that SIGTERM and SIGINT wait for wait_for_termination_signal() instead of killing.
void block_termination_signals();
// For fixture programs started by ChildProcess (their --exit-with-parent option): raises SIGTERM
// when stdin reaches end-of-file, so a fixture does not outlive a parent that died without
// stopping it. Call after block_termination_signals().
void exit_when_stdin_closes();
// Blocks until SIGTERM or SIGINT arrives; returns its number.
int wait_for_termination_signal();

}  // namespace sfpe::testing
