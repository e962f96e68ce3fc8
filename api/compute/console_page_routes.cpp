// GET /vnc_auto.html?path=%3Ftoken%3D<token>: the page a console URL opens
// (what nova-novncproxy serves). A real noVNC canvas needs a VNC server
// behind it; the simulated guest has a console log, so the page shows that
// log in a terminal-like frame, reloading while the guest boots. The token
// is the credential, as with noVNC: no X-Auth-Token.
#include <string>

#include "api/compute/compute_routes.h"

namespace stacklab::api::compute_api {

namespace {

std::string html_escape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

// The token from `path=?token=X` (noVNC's vnc_auto.html) or `token=X`.
std::string token_of(const Request& req) {
  if (auto t = req.query_param("token")) return *t;
  std::string path = req.query_param("path").value_or("");
  auto at = path.find("token=");
  if (at == std::string::npos) return "";
  std::string token = path.substr(at + 6);
  return token.substr(0, token.find('&'));
}

Response html(int status, const std::string& title, const std::string& body) {
  Response r;
  r.status = status;
  r.content_type = "text/html; charset=utf-8";
  r.body = "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>" + html_escape(title) +
           "</title>\n<style>body{background:#303030;color:#eee;font-family:sans-serif;margin:0}"
           "#status{background:#4a4a4a;padding:6px 12px}"
           "pre{background:#000;color:#ccc;margin:12px;padding:12px;min-height:400px;white-space:pre-wrap}"
           "</style>\n" +
           body + "</html>\n";
  return r;
}

Response console_page(Request& req, compute::ServerActions& actions) {
  auto page = actions.console_page(token_of(req));
  if (!page)
    return html(404, "noVNC",
                "</head><body><div id=\"status\">Failed to connect to server (code: 1006): "
                "the console token is invalid or has expired. Ask for a new console URL "
                "(openstack console url show SERVER).</div></body>");
  std::string title = page->server_name + " (" + page->instance_uuid + ") - noVNC";
  return html(200, title,
              "<meta http-equiv=\"refresh\" content=\"5\"></head><body>"
              "<div id=\"status\">Connected (unencrypted) to: QEMU (" +
                  html_escape(page->instance_name) + ")</div>\n<pre id=\"console\">" + html_escape(page->log) +
                  "</pre></body>");
}

}  // namespace

void add_console_page_route(Router& r, compute::ServerActions& actions) {
  r.add_sync("GET", "/vnc_auto.html", [&actions](Request& req) { return console_page(req, actions); }, false);
  r.add_sync("GET", "/vnc_lite.html", [&actions](Request& req) { return console_page(req, actions); }, false);
}

}  // namespace stacklab::api::compute_api
