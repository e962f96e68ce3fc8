// Status and Result<T>: expected failures as values.
//
// Managers return these for what a client can cause (not found, conflict,
// quota, policy); api/ maps each Code to the upstream HTTP status and error
// body in one place (api/errors.cpp). Exceptions are kept for bugs.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace stacklab {

enum class Code {
  kOk,
  kBadRequest,       // 400: malformed or invalid input
  kUnauthorized,     // 401: no, bad, expired or revoked credentials
  kForbidden,        // 403: policy refused
  kNotFound,         // 404
  kNotAcceptable,    // 406: microversion outside the supported range
  kConflict,         // 409: duplicate or state conflict
  kPayloadTooLarge,  // 413: body too large, or over quota where upstream says 413
  kOverQuota,        // 403 or 413 depending on the service
  kUnprocessable,    // 422
  kInternal,         // 500
  kNotImplemented,   // 501
};

class Status {
 public:
  Status() = default;
  Status(Code code, std::string message) : code_(code), message_(std::move(message)) {}
  // `type`: the name upstream gives this failure in its error body, where
  // its clients read one (Neutron's NeutronError.type: "NetworkNotFound").
  Status(Code code, std::string message, std::string type)
      : code_(code), message_(std::move(message)), type_(std::move(type)) {}
  static Status Ok() { return {}; }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }
  // "" when upstream names no type for it.
  const std::string& type() const { return type_; }

 private:
  Code code_ = Code::kOk;
  std::string message_;
  std::string type_;
};

inline Status BadRequest(std::string m) { return {Code::kBadRequest, std::move(m)}; }
inline Status Unauthorized(std::string m) { return {Code::kUnauthorized, std::move(m)}; }
inline Status Forbidden(std::string m) { return {Code::kForbidden, std::move(m)}; }
inline Status NotFound(std::string m) { return {Code::kNotFound, std::move(m)}; }
inline Status Conflict(std::string m) { return {Code::kConflict, std::move(m)}; }

// Either a value or a non-ok Status.
template <typename T>
class Result {
 public:
  Result(T value) : v_(std::move(value)) {}
  Result(Status status) : v_(std::move(status)) {}

  bool ok() const { return std::holds_alternative<T>(v_); }
  const Status& status() const {
    static const Status kOkStatus;
    return ok() ? kOkStatus : std::get<Status>(v_);
  }
  T& value() { return std::get<T>(v_); }
  const T& value() const { return std::get<T>(v_); }
  T& operator*() { return value(); }
  const T& operator*() const { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace stacklab
