// ServiceConfigs: the config files of the services the book configures by
// hand in Ch8 (architecture.md §0.4, §1.1): nova, glance, neutron, cinder,
//
//   <dir>/<service>/<service>.conf      (dir: <state_dir>/etc)
//
// ini text with the settings the book writes: [database] connection,
// [DEFAULT] transport_url, and the [keystone_authtoken] block with the
// service user (project service) and its password. A file is written from
// the lab's values when first asked for; from then on it is the student's
// (an editor fixes it). The cloud reads only [keystone_authtoken] password,
// when the service's API daemon starts. The one engine part that touches
// files besides the logs: it models files the student edits.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "engine/core/status.h"

namespace stacklab {

struct ServiceConfigValues {
  std::string controller = "controller";  // the host the URLs name
  std::string identity_url;               // auth_url / auth_uri ("http://<host>/identity")
  std::string service_password;           // the service users' password in keystone
  std::string db_password = "bootcamp";   // the book's, for every database and RabbitMQ
};

class ServiceConfigs {
 public:
  ServiceConfigs(std::string dir, ServiceConfigValues values);
  // The lab's values for files written from now on (the cloud knows its URL only once it listens).
  void set_values(ServiceConfigValues values) { values_ = std::move(values); }

  // nova, glance, neutron, cinder.
  static const std::vector<std::string>& services();
  // The API daemon of a service: nova-api, glance-api, neutron-server, cinder-api.
  static std::string api_daemon(const std::string& service);

  // The file's path, written with the lab's values if it does not exist. 404 for another service.
  Result<std::string> ensure(const std::string& service);
  // Has the service's file been written (by a fault, a `config` view or a daemon start)?
  bool written(const std::string& service) const;
  // Its text (written first if needed).
  Result<std::string> read(const std::string& service);
  // The keys of `[name]` as the file has them now (the last value of a repeated key), the file written first if needed.
  Result<std::map<std::string, std::string>> section(const std::string& service, const std::string& name);
  // `[section] key` as the file has it now ("" when missing), the file written first if needed.
  Result<std::string> get(const std::string& service, const std::string& section, const std::string& key);
  // Sets `[section] key = value` in the file (written first if needed), keeping every other line.
  Status set(const std::string& service, const std::string& section, const std::string& key, const std::string& value);

 private:
  std::string path_of(const std::string& service) const;
  std::string initial_text(const std::string& service) const;

  std::string dir_;
  ServiceConfigValues values_;
};

}  // namespace stacklab
