// Day 1 (exercises.md EX-01, EX-02): the student checks the fresh install.
#include "scenarios/lab/exercises/audit_checks.h"
#include "scenarios/lab/exercises/catalogue.h"
#include "scenarios/lab/exercises/replayer.h"

namespace stacklab::lab {

std::vector<Exercise> day1_exercises() {
  std::vector<Exercise> out;
  out.push_back(
      {"EX-01",
       "day1",
       "Open the dashboard after the install",
       "L778-L784",
       {{"EX-01",
         "Sign in as admin / nomoresecret; the project switcher lists admin's projects",
         "admin",
         {"openstack project list --my-projects"},
         "http://HOST/dashboard/ (Project, Admin and Identity tabs)",
         "The dashboard lists your projects right after sign-in; `openstack project list --my-projects` makes the "
         "same call.",
         "",
         [](CloudView& v) {
           Verdict verdict;
           bool listed = audited(v, {"admin", "identity:auth:projects:list"}) ||
                         audited(v, {"admin", "identity:users:projects:list"});
           return verdict.require(listed, "admin has not signed in to list its projects yet");
         }}},
       [](Replayer& r) { return r.call(kAdmin, "GET", "/identity/v3/auth/projects").status(); }});
  out.push_back(
      {"EX-02",
       "day1",
       "Use DevStack's openrc and list the images",
       "L786-L804",
       {{"EX-02",
         "source openrc (demo), then list the images",
         "demo",
         {"source openrc", "openstack image list"},
         "Project > Compute > Images",
         "openrc without arguments is demo in project demo.",
         "",
         [](CloudView& v) {
           Verdict verdict;
           return verdict.require(audited(v, {"demo", "image:images:list"}), "demo has not listed the images yet");
         }}},
       [](Replayer& r) { return r.call(kDemo, "GET", "/image/v2/images").status(); }});
  return out;
}

}  // namespace stacklab::lab
