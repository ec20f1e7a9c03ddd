// ChildProcess: posix_spawn, one reader thread for both pipes, one reaper thread for the exit.
#include "lib/process.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <map>

extern char** environ;

namespace sfpe::testing {
namespace {

// Closes a descriptor when it goes out of scope unless released.
class FdGuard {
 public:
  explicit FdGuard(int fd = -1) : fd_(fd) {}
  ~FdGuard() {
    if (fd_ >= 0) ::close(fd_);
  }
  FdGuard(const FdGuard&) = delete;
  FdGuard& operator=(const FdGuard&) = delete;
  int get() const { return fd_; }
  int release() { return std::exchange(fd_, -1); }
  void reset(int fd = -1) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = fd;
  }

 private:
  int fd_;
};

struct Pipe {
  FdGuard read;
  FdGuard write;
};

Result<std::unique_ptr<Pipe>> make_pipe() {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    return Error::fatal("PIPE", fmt::format("pipe2 failed: {}", std::strerror(errno)));
  }
  auto pipe = std::make_unique<Pipe>();
  pipe->read.reset(fds[0]);
  pipe->write.reset(fds[1]);
  return pipe;
}

// posix_spawn's attribute and file-action objects, destroyed on every path.
struct SpawnAttributes {
  posix_spawnattr_t attr;
  posix_spawn_file_actions_t actions;
  SpawnAttributes() {
    posix_spawnattr_init(&attr);
    posix_spawn_file_actions_init(&actions);
  }
  ~SpawnAttributes() {
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
  }
  SpawnAttributes(const SpawnAttributes&) = delete;
  SpawnAttributes& operator=(const SpawnAttributes&) = delete;
};

std::vector<std::string> merged_environment(const ChildProcess::Environment& extra_env) {
  std::map<std::string, std::string> variables;
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    std::string_view text(*entry);
    auto equals = text.find('=');
    if (equals == std::string_view::npos) continue;
    variables.emplace(std::string(text.substr(0, equals)), std::string(text.substr(equals + 1)));
  }
  for (const auto& [name, value] : extra_env) variables[name] = value;
  std::vector<std::string> result;
  result.reserve(variables.size());
  for (const auto& [name, value] : variables) result.push_back(name + "=" + value);
  return result;
}

std::vector<char*> c_strings(std::vector<std::string>& strings) {
  std::vector<char*> pointers;
  pointers.reserve(strings.size() + 1);
  for (auto& s : strings) pointers.push_back(s.data());
  pointers.push_back(nullptr);
  return pointers;
}

void write_all(int fd, const char* data, size_t size) {
  while (size > 0) {
    ssize_t n = ::write(fd, data, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // the tee is best effort: a full disk must not stop the capture
    data += n;
    size -= static_cast<size_t>(n);
  }
}

// The first complete line of `text` containing `needle`; the unterminated tail counts as a line
// once the stream is closed.
std::optional<std::string> find_line(const std::string& text, std::string_view needle,
                                     bool closed) {
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) {
      if (!closed) return std::nullopt;
      end = text.size();
    }
    std::string_view line(text.data() + start, end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.find(needle) != std::string_view::npos) return std::string(line);
    start = end + 1;
  }
  return std::nullopt;
}

}  // namespace

Result<std::unique_ptr<ChildProcess>> ChildProcess::spawn(const std::vector<std::string>& argv,
                                                          const Environment& extra_env,
                                                          const std::string& tee_path) {
  if (argv.empty()) return Error::fatal("SPAWN", "ChildProcess::spawn needs a program");
  auto in = make_pipe();
  if (!in.ok()) return in.error();
  auto out = make_pipe();
  if (!out.ok()) return out.error();
  auto err = make_pipe();
  if (!err.ok()) return err.error();
  auto wake = make_pipe();
  if (!wake.ok()) return wake.error();
  FdGuard tee;
  if (!tee_path.empty()) {
    tee.reset(::open(tee_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644));
    if (tee.get() < 0) {
      return Error::fatal("SPAWN", fmt::format("cannot open {} to tee the output of {}: {}",
                                               tee_path, argv[0], std::strerror(errno)));
    }
  }

  SpawnAttributes spawn;
  // The caller may block SIGTERM (fixture programs do) or ignore SIGPIPE: the child must not
  // inherit either, or it could not be stopped the ordinary way.
  sigset_t no_signals;
  sigemptyset(&no_signals);
  sigset_t all_signals;
  sigfillset(&all_signals);
  posix_spawnattr_setsigmask(&spawn.attr, &no_signals);
  posix_spawnattr_setsigdefault(&spawn.attr, &all_signals);
  posix_spawnattr_setflags(&spawn.attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  posix_spawn_file_actions_adddup2(&spawn.actions, (*in)->read.get(), 0);
  posix_spawn_file_actions_adddup2(&spawn.actions, (*out)->write.get(), 1);
  posix_spawn_file_actions_adddup2(&spawn.actions, (*err)->write.get(), 2);
  posix_spawn_file_actions_addclosefrom_np(&spawn.actions, 3);

  std::vector<std::string> args = argv;
  std::vector<char*> arg_pointers = c_strings(args);
  std::vector<std::string> env = merged_environment(extra_env);
  std::vector<char*> env_pointers = c_strings(env);

  std::unique_ptr<ChildProcess> child(new ChildProcess());
  int rc = ::posix_spawnp(&child->pid_, argv[0].c_str(), &spawn.actions, &spawn.attr,
                          arg_pointers.data(), env_pointers.data());
  if (rc != 0) {
    return Error::fatal("SPAWN", fmt::format("cannot start {}: {}", argv[0], std::strerror(rc)));
  }
  (*in)->read.reset();
  (*out)->write.reset();  // the child holds the write ends now: EOF comes when it exits
  (*err)->write.reset();
  // Only this process holds the write end of the child's stdin (close-on-exec, and
  // closefrom(3) in other children), so the child sees EOF when we close it or die.
  child->stdin_write_fd_ = (*in)->write.release();
  // Both wake ends stay open until the reader is joined, so waking it can never raise SIGPIPE.
  child->wake_read_fd_ = (*wake)->read.release();
  child->wake_write_fd_ = (*wake)->write.release();
  child->reader_ = std::thread(&ChildProcess::read_output, child.get(), (*out)->read.release(),
                               (*err)->read.release(), child->wake_read_fd_, tee.release());
  child->reaper_ = std::thread(&ChildProcess::reap, child.get());
  return child;
}

ChildProcess::~ChildProcess() {
  close_stdin();
  send_signal(SIGKILL);
  if (reaper_.joinable()) reaper_.join();
  // A grandchild may still hold the pipes open: tell the reader to drain what is there and stop.
  if (wake_write_fd_ >= 0) {
    char byte = 0;
    write_all(wake_write_fd_, &byte, 1);
  }
  if (reader_.joinable()) reader_.join();
  if (wake_write_fd_ >= 0) ::close(wake_write_fd_);
  if (wake_read_fd_ >= 0) ::close(wake_read_fd_);
}

void ChildProcess::read_output(int stdout_fd, int stderr_fd, int wake_fd, int tee_fd) {
  FdGuard out(stdout_fd), err(stderr_fd), tee(tee_fd);
  bool draining = false;  // after a wake-up: take what is buffered, then stop
  std::array<char, 8192> buffer;
  for (;;) {
    bool out_open, err_open;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      out_open = !stdout_closed_;
      err_open = !stderr_closed_;
    }
    if (!out_open && !err_open) break;
    std::array<pollfd, 3> fds = {pollfd{out_open ? out.get() : -1, POLLIN, 0},
                                 pollfd{err_open ? err.get() : -1, POLLIN, 0},
                                 pollfd{draining ? -1 : wake_fd, POLLIN, 0}};
    int ready = ::poll(fds.data(), fds.size(), draining ? 0 : -1);
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) break;  // drained (or poll failed): nothing more will come
    if (fds[2].revents != 0) draining = true;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].revents == 0) continue;
      ssize_t n = ::read(fds[i].fd, buffer.data(), buffer.size());
      if (n < 0 && errno == EINTR) continue;
      if (n > 0 && tee.get() >= 0) write_all(tee.get(), buffer.data(), static_cast<size_t>(n));
      {
        std::lock_guard<std::mutex> lock(mutex_);
        if (n > 0) {
          (i == 0 ? stdout_ : stderr_).append(buffer.data(), static_cast<size_t>(n));
        } else {
          (i == 0 ? stdout_closed_ : stderr_closed_) = true;
        }
      }
      changed_.notify_all();
    }
  }
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stdout_closed_ = stderr_closed_ = true;
  }
  changed_.notify_all();
}

void ChildProcess::reap() {
  // WNOWAIT leaves the zombie in place, so the pid cannot be recycled before exited_ is set
  // under the lock that send_signal() also takes.
  siginfo_t info{};
  while (::waitid(P_PID, static_cast<id_t>(pid_), &info, WEXITED | WNOWAIT) != 0 &&
         errno == EINTR) {
  }
  {
    std::lock_guard<std::mutex> lock(mutex_);
    exit_code_ = info.si_code == CLD_EXITED ? info.si_status : 128 + info.si_status;
    exited_ = true;
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
  }
  changed_.notify_all();
}

std::optional<std::string> ChildProcess::wait_for_line(std::string_view text,
                                                       std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock(mutex_);
  std::optional<std::string> line;
  changed_.wait_for(lock, timeout, [&] {
    line = find_line(stdout_, text, stdout_closed_);
    return line.has_value() || stdout_closed_;
  });
  return line;
}

bool ChildProcess::wait_for_output(std::string_view text, std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock(mutex_);
  bool found = false;
  changed_.wait_for(lock, timeout, [&] {
    found = stdout_.find(text) != std::string::npos || stderr_.find(text) != std::string::npos;
    return found || (stdout_closed_ && stderr_closed_);
  });
  return found;
}

std::string ChildProcess::stdout_text() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return stdout_;
}

std::string ChildProcess::stderr_text() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return stderr_;
}

void ChildProcess::close_stdin() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (stdin_write_fd_ >= 0) ::close(std::exchange(stdin_write_fd_, -1));
}

void ChildProcess::send_signal(int signal) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!exited_ && pid_ > 0) ::kill(pid_, signal);
}

std::optional<int> ChildProcess::wait(std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock(mutex_);
  // Also await the end of the output, so that stdout_text() is complete once wait() returns;
  // a grandchild still holding the pipes only delays that until the timeout.
  changed_.wait_for(lock, timeout, [this] { return exited_ && stdout_closed_ && stderr_closed_; });
  if (!exited_) return std::nullopt;
  return exit_code_;
}

int ChildProcess::terminate(std::chrono::milliseconds timeout) {
  send_signal(SIGTERM);
  if (auto code = wait(timeout)) return *code;
  send_signal(SIGKILL);
  std::unique_lock<std::mutex> lock(mutex_);
  changed_.wait(lock, [this] { return exited_; });
  return exit_code_;
}

void block_termination_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

void exit_when_stdin_closes() {
  std::thread([] {
    char buffer[256];
    for (;;) {
      ssize_t n = ::read(0, buffer, sizeof(buffer));
      if (n == 0 || (n < 0 && errno != EINTR)) break;
    }
    ::kill(::getpid(), SIGTERM);  // taken by wait_for_termination_signal(): a clean shutdown
  }).detach();
}

int wait_for_termination_signal() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  int signal = 0;
  while (sigwait(&set, &signal) != 0) {
  }
  return signal;
}

}  // namespace sfpe::testing
