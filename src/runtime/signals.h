// SIGTERM and SIGINT become a StopSignal: the signals are blocked in every thread and one
// watcher thread waits for them, so no work happens inside a signal handler.
#pragma once

#include <thread>

#include "common/stop_signal.h"

namespace sfpe::runtime {

class SignalWatcher {
 public:
  // Call before any other thread starts, so that they all inherit the blocked mask.
  explicit SignalWatcher(StopSignal& stop);
  ~SignalWatcher();
  SignalWatcher(const SignalWatcher&) = delete;
  SignalWatcher& operator=(const SignalWatcher&) = delete;

  // The signal that stopped the process, or 0.
  int received() const { return received_; }

 private:
  StopSignal& stop_;
  std::thread thread_;
  volatile int received_ = 0;
};

}  // namespace sfpe::runtime
