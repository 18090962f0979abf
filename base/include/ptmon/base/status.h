// Expected failures as values. A Status says whether an operation worked and, when it did not,
// what failed in words that name the thing to fix, and a code saying what kind of failure it
// is: the caller decides by the code (a bad file is rejected, an I/O failure is retried), the
// person by the message. Result<T> carries either a T or such a Status. Exceptions stay for
// programming errors and start-up.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace ptmon {

enum class StatusCode {
  kOk,
  kInvalid,        // the input or the request is wrong; the same again fails the same way
  kNotFound,       // the file (or row) is not there
  kAlreadyExists,  // the name is taken
  kIoError,        // the disk, the filesystem or the database could not do its part (EIO,
                   // ENOSPC, EACCES, a locked database): nothing is wrong with the input, and
                   // the same again may work once the operator has fixed the machine
};

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK
  static Status Ok() { return Status(); }
  static Status Error(std::string message) {
    return Status(StatusCode::kInvalid, std::move(message));
  }
  static Status WithCode(StatusCode code, std::string message) {
    return Status(code, std::move(message));
  }
  static Status IoError(std::string message) {
    return Status(StatusCode::kIoError, std::move(message));
  }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  bool IsIoError() const { return code_ == StatusCode::kIoError; }
  const std::string& message() const { return message_; }

  // Prefixes the message with the context in which the failure happened ("opening x: ...").
  Status WithContext(const std::string& context) const;

 private:
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::move(value)) {}       // NOLINT: implicit by design
  Result(Status error) : state_(std::move(error)) {}  // NOLINT: must not be OK

  bool ok() const { return std::holds_alternative<T>(state_); }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(state_);
  }
  const T& value() const& { return std::get<T>(state_); }
  T& value() & { return std::get<T>(state_); }
  T value() && { return std::get<T>(std::move(state_)); }  // by value: safe on temporaries
  const T* operator->() const { return &value(); }
  T* operator->() { return &value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Status> state_;
};

}  // namespace ptmon
