// FileRangeBody: a Boost.Beast response body that sends bytes
// [offset, offset + length) of a file, in chunks, without loading it
// (image downloads, with or without a Range header).
#pragma once

#include <fcntl.h>
#include <unistd.h>

#include <boost/beast/core/error.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/optional.hpp>
#include <cstdint>
#include <string>

namespace stacklab::api {

struct FileRangeBody {
  struct value_type {
    int fd = -1;
    std::uint64_t offset = 0, length = 0;
    value_type() = default;
    value_type(value_type&& o) noexcept : fd(o.fd), offset(o.offset), length(o.length) { o.fd = -1; }
    value_type& operator=(value_type&& o) noexcept {
      std::swap(fd, o.fd);
      offset = o.offset;
      length = o.length;
      return *this;
    }
    ~value_type() {
      if (fd >= 0) ::close(fd);
    }
    // Opens `path` for reading; false if it cannot.
    bool open(const std::string& path, std::uint64_t off, std::uint64_t len) {
      fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
      offset = off;
      length = len;
      return fd >= 0;
    }
  };

  static std::uint64_t size(const value_type& v) { return v.length; }

  class writer {
   public:
    using const_buffers_type = boost::asio::const_buffer;
    template <bool isRequest, class Fields>
    writer(boost::beast::http::header<isRequest, Fields>&, value_type& body) : body_(body), pos_(body.offset) {}
    void init(boost::beast::error_code& ec) { ec = {}; }
    boost::optional<std::pair<const_buffers_type, bool>> get(boost::beast::error_code& ec) {
      std::uint64_t end = body_.offset + body_.length;
      if (pos_ >= end) {
        ec = {};
        return boost::none;
      }
      std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(sizeof buf_, end - pos_));
      ssize_t n = ::pread(body_.fd, buf_, want, static_cast<off_t>(pos_));
      if (n <= 0) {
        ec = n == 0 ? boost::beast::http::error::short_read
                    : boost::beast::error_code(errno, boost::system::generic_category());
        return boost::none;
      }
      pos_ += static_cast<std::uint64_t>(n);
      ec = {};
      return {{const_buffers_type(buf_, static_cast<std::size_t>(n)), pos_ < end}};
    }

   private:
    value_type& body_;
    std::uint64_t pos_;
    char buf_[64 * 1024];
  };
};

}  // namespace stacklab::api
