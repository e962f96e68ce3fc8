// HashingFileBody: a Boost.Beast request body that writes a streamed upload
// to a file and computes its MD5 and SHA-512 on the way, so that an image of
// any size is hashed while it arrives instead of in a second pass.
#pragma once

#include <fcntl.h>
#include <openssl/evp.h>
#include <unistd.h>

#include <boost/asio/buffer.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/optional.hpp>
#include <cstdint>
#include <memory>
#include <string>

#include "engine/core/hex.h"

namespace stacklab::api {

struct HashingFileBody {
  struct value_type {
    int fd = -1;
    std::uint64_t size = 0;
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> md5{nullptr, &EVP_MD_CTX_free};
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> sha512{nullptr, &EVP_MD_CTX_free};

    value_type() = default;
    value_type(value_type&&) noexcept = default;
    value_type& operator=(value_type&&) noexcept = default;
    ~value_type() { close(); }

    // Opens (truncates) `path` for writing and starts both digests.
    bool open(const std::string& path) {
      fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
      md5.reset(EVP_MD_CTX_new());
      sha512.reset(EVP_MD_CTX_new());
      EVP_DigestInit_ex(md5.get(), EVP_md5(), nullptr);
      EVP_DigestInit_ex(sha512.get(), EVP_sha512(), nullptr);
      return fd >= 0;
    }
    void close() {
      if (fd >= 0) ::close(fd);
      fd = -1;
    }
    // Lowercase hex digests of everything written.
    std::string md5_hex() { return finish(md5.get()); }
    std::string sha512_hex() { return finish(sha512.get()); }

   private:
    static std::string finish(EVP_MD_CTX* ctx) { return hex_digest_final(ctx); }
  };

  class reader {
   public:
    template <bool isRequest, class Fields>
    reader(boost::beast::http::header<isRequest, Fields>&, value_type& body) : body_(body) {}
    void init(const boost::optional<std::uint64_t>&, boost::beast::error_code& ec) { ec = {}; }
    template <class ConstBufferSequence>
    std::size_t put(const ConstBufferSequence& buffers, boost::beast::error_code& ec) {
      std::size_t total = 0;
      for (auto it = boost::asio::buffer_sequence_begin(buffers); it != boost::asio::buffer_sequence_end(buffers);
           ++it) {
        boost::asio::const_buffer b = *it;
        const char* p = static_cast<const char*>(b.data());
        std::size_t left = b.size();
        EVP_DigestUpdate(body_.md5.get(), p, left);
        EVP_DigestUpdate(body_.sha512.get(), p, left);
        while (left > 0) {
          ssize_t n = ::write(body_.fd, p, left);
          if (n < 0) {
            if (errno == EINTR) continue;
            ec = boost::beast::error_code(errno, boost::system::generic_category());
            return total;
          }
          p += n;
          left -= static_cast<std::size_t>(n);
          total += static_cast<std::size_t>(n);
        }
      }
      body_.size += total;
      ec = {};
      return total;
    }
    void finish(boost::beast::error_code& ec) { ec = {}; }

   private:
    value_type& body_;
  };
};

}  // namespace stacklab::api
