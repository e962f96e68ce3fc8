// The dashboard's Python files (this folder's local_settings.py.in and
// horizon_server.py), compiled into the binary by CMake so that `stacklab`
// can write them into a state directory wherever it is installed.
#pragma once

namespace stacklab::cmd {

// Horizon's settings; @OPENSTACK_HOST@ and @KEYSTONE_URL@ are to be replaced.
extern const char* const kDashboardSettingsTemplate;
// The launcher: builds the static files once, then serves Horizon with gunicorn.
extern const char* const kDashboardServerScript;

}  // namespace stacklab::cmd
