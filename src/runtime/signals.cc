#include "runtime/signals.h"

#include <pthread.h>
#include <signal.h>

#include <chrono>

namespace sfpe::runtime {

SignalWatcher::SignalWatcher(StopSignal& stop) : stop_(stop) {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGUSR1);  // used internally to end the watcher
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  thread_ = std::thread([this, set] {
    for (;;) {
      int signal_number = 0;
      if (sigwait(&set, &signal_number) != 0) continue;
      if (signal_number == SIGUSR1) return;
      received_ = signal_number;
      stop_.request_stop();
    }
  });
}

SignalWatcher::~SignalWatcher() {
  pthread_kill(thread_.native_handle(), SIGUSR1);
  thread_.join();
}

}  // namespace sfpe::runtime
