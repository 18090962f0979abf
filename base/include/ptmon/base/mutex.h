// A mutex that clang's thread-safety analysis understands (-Wthread-safety): state read by
// several threads is declared GUARDED_BY the mutex that protects it, and the compiler checks
// every access. Under GCC the annotations compile to nothing; CI builds once with clang to check
// them (scripts/test.sh, stage "thread-safety").
#pragma once

#include <mutex>

#if defined(__clang__)
#define PTMON_THREAD_ANNOTATION(x) __attribute__((x))
#else
#define PTMON_THREAD_ANNOTATION(x)
#endif

#define CAPABILITY(x) PTMON_THREAD_ANNOTATION(capability(x))
#define SCOPED_CAPABILITY PTMON_THREAD_ANNOTATION(scoped_lockable)
#define GUARDED_BY(x) PTMON_THREAD_ANNOTATION(guarded_by(x))
#define PT_GUARDED_BY(x) PTMON_THREAD_ANNOTATION(pt_guarded_by(x))
#define REQUIRES(...) PTMON_THREAD_ANNOTATION(requires_capability(__VA_ARGS__))
#define ACQUIRE(...) PTMON_THREAD_ANNOTATION(acquire_capability(__VA_ARGS__))
#define RELEASE(...) PTMON_THREAD_ANNOTATION(release_capability(__VA_ARGS__))
#define EXCLUDES(...) PTMON_THREAD_ANNOTATION(locks_excluded(__VA_ARGS__))

namespace ptmon {

class CAPABILITY("mutex") Mutex {
 public:
  void Lock() ACQUIRE() { mutex_.lock(); }
  void Unlock() RELEASE() { mutex_.unlock(); }
  // For std::condition_variable_any and the like.
  void lock() ACQUIRE() { mutex_.lock(); }
  void unlock() RELEASE() { mutex_.unlock(); }

 private:
  std::mutex mutex_;
};

class SCOPED_CAPABILITY MutexLock {
 public:
  explicit MutexLock(Mutex& mutex) ACQUIRE(mutex) : mutex_(mutex) { mutex_.Lock(); }
  ~MutexLock() RELEASE() { mutex_.Unlock(); }
  MutexLock(const MutexLock&) = delete;
  MutexLock& operator=(const MutexLock&) = delete;

 private:
  Mutex& mutex_;
};

}  // namespace ptmon
