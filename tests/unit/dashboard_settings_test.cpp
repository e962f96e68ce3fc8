// The dashboard's settings as stacklab writes them for Horizon.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "cmd/stacklab/dashboard_process.h"

namespace stacklab::cmd {
namespace {

TEST(DashboardSettingsTest, NameTheCloudsKeystoneAndDevStacksWebroot) {
  std::string text = dashboard_settings_text("http://192.168.56.101:8080");
  EXPECT_NE(text.find("OPENSTACK_HOST = '192.168.56.101:8080'\n"), std::string::npos) << text;
  EXPECT_NE(text.find("OPENSTACK_KEYSTONE_URL = 'http://192.168.56.101:8080/identity/v3'\n"), std::string::npos);
  EXPECT_NE(text.find("WEBROOT = '/dashboard/'\n"), std::string::npos);
  EXPECT_NE(text.find("OPENSTACK_KEYSTONE_MULTIDOMAIN_SUPPORT = False\n"), std::string::npos);
  EXPECT_EQ(text.find('@'), std::string::npos) << "a placeholder is left";
}

TEST(DashboardSettingsTest, QuotesTheUrlAsAPythonString) {
  std::string text = dashboard_settings_text("http://it's\\here");
  EXPECT_NE(text.find("OPENSTACK_KEYSTONE_URL = 'http://it\\'s\\\\here/identity/v3'\n"), std::string::npos) << text;
}

TEST(DashboardSettingsTest, FilesAreWrittenIntoTheFolder) {
  std::string dir = ::testing::TempDir() + "dashboard-settings-test";
  std::filesystem::remove_all(dir);
  ASSERT_TRUE(write_dashboard_files({dir, "http://127.0.0.1:8080", "127.0.0.1:8081", ""}).ok());
  std::ifstream settings(dir + "/local_settings.py"), server(dir + "/horizon_server.py");
  std::stringstream s1, s2;
  s1 << settings.rdbuf();
  s2 << server.rdbuf();
  EXPECT_NE(s1.str().find("http://127.0.0.1:8080/identity/v3"), std::string::npos);
  EXPECT_EQ(s2.str().rfind("#!/usr/bin/python3\n", 0), 0u);
  EXPECT_NE(s2.str().find("def prepare_static("), std::string::npos);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace stacklab::cmd
