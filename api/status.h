// Status and Result<T>: the project's one error-as-value type, used at every module boundary.
//
// Foreign error sources (OpenSSL, curl exit codes, httplib, JSON parsing, the Kuscia `status.code`) are
// mapped into a Status in exactly one place each; callers then branch on `code()` and show `message()`.
//
//   kuscia::Result<Identity> id = certs::LoadIdentity(dir);
//   if (!id.ok()) return id.status();          // propagate
//   Use(*id);
//
//   return kuscia::InvalidArgument("--key must be 'ec' or 'rsa', got 'dsa'");
#pragma once

#include <cassert>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace kuscia {

// One line each: what a caller may do differently for the code.
enum class StatusCode {
  kOk = 0,
  kInvalidArgument,     // the caller's input is wrong; retrying the same input fails the same way
  kNotFound,            // a named thing (file, job, domain, route) does not exist
  kAlreadyExists,       // a thing to be created exists already
  kFailedPrecondition,  // the system is not in a state where the operation is allowed
  kPermissionDenied,    // the operating system or the peer refused access
  kUnavailable,         // a peer could not be reached or refused the connection; may work later
  kDeadlineExceeded,    // a wait or call ran out of time
  kDataLoss,            // a response or file was cut short or corrupted
  kUnimplemented,       // the operation is recognised but deliberately not supported (yet)
  kInternal,            // a bug or an unexpected library failure
};

std::string_view StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }

  // Adds context in front of the message: "reading ca.crt: no such file".
  Status WithContext(std::string_view context) const;
  std::string ToString() const;

  friend bool operator==(const Status&, const Status&) = default;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

std::ostream& operator<<(std::ostream& os, const Status& status);

inline Status OkStatus() { return Status(); }
inline Status InvalidArgument(std::string m) { return {StatusCode::kInvalidArgument, std::move(m)}; }
inline Status NotFound(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
inline Status AlreadyExists(std::string m) { return {StatusCode::kAlreadyExists, std::move(m)}; }
inline Status FailedPrecondition(std::string m) { return {StatusCode::kFailedPrecondition, std::move(m)}; }
inline Status PermissionDenied(std::string m) { return {StatusCode::kPermissionDenied, std::move(m)}; }
inline Status Unavailable(std::string m) { return {StatusCode::kUnavailable, std::move(m)}; }
inline Status DeadlineExceeded(std::string m) { return {StatusCode::kDeadlineExceeded, std::move(m)}; }
inline Status DataLoss(std::string m) { return {StatusCode::kDataLoss, std::move(m)}; }
inline Status Unimplemented(std::string m) { return {StatusCode::kUnimplemented, std::move(m)}; }
inline Status Internal(std::string m) { return {StatusCode::kInternal, std::move(m)}; }

// Either a value or a non-OK Status. Accessing the value of an error Result is a bug (asserted).
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::move(value)) {}  // NOLINT(google-explicit-constructor)
  Result(Status status) : state_(std::move(status)) {  // NOLINT(google-explicit-constructor)
    assert(!std::get<Status>(state_).ok() && "a Result holding a Status must hold an error");
  }

  bool ok() const { return std::holds_alternative<T>(state_); }
  Status status() const { return ok() ? OkStatus() : std::get<Status>(state_); }

  T& value() & { assert(ok()); return std::get<T>(state_); }
  const T& value() const& { assert(ok()); return std::get<T>(state_); }
  T&& value() && { assert(ok()); return std::get<T>(std::move(state_)); }

  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  T value_or(T fallback) const { return ok() ? std::get<T>(state_) : std::move(fallback); }

 private:
  std::variant<T, Status> state_;
};

}  // namespace kuscia

// Propagates a non-OK Status (or Result's status) to the caller.
#define KC_RETURN_IF_ERROR(expr)                          \
  do {                                                    \
    ::kuscia::Status kc_status_ = (expr);                 \
    if (!kc_status_.ok()) return kc_status_;              \
  } while (0)

#define KC_CONCAT_INNER_(a, b) a##b
#define KC_CONCAT_(a, b) KC_CONCAT_INNER_(a, b)
// KC_ASSIGN_OR_RETURN(auto cert, LoadCert(path)); binds the value or returns the error.
#define KC_ASSIGN_OR_RETURN(lhs, expr) KC_ASSIGN_OR_RETURN_IMPL_(KC_CONCAT_(kc_result_, __LINE__), lhs, expr)
#define KC_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                              \
  if (!tmp.ok()) return tmp.status();             \
  lhs = std::move(tmp).value()
