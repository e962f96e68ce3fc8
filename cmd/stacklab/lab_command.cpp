// `stacklab lab ...`: helpers for the bootcamp's exercises.
#include <fstream>
#include <iostream>

#include "cmd/stacklab/commands.h"
#include "scenarios/lab/lab_images.h"

namespace stacklab::cmd {

int run_fetch_image(const std::string& name, const std::string& dir) {
  auto img = scenarios::make_cloud_image(name);
  if (!img.ok()) {
    std::cerr << "stacklab: " << img.status().message() << "\n";
    return 1;
  }
  std::string path = (dir.empty() ? "." : dir) + "/" + img->file_name;
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f.write(img->data.data(), static_cast<std::streamsize>(img->data.size()));
  f.close();
  if (!f) {
    std::cerr << "stacklab: cannot write " << path << "\n";
    return 1;
  }
  // This machine has no internet: the file is a small valid qcow2 with the
  // real image's virtual size, enough for every exercise that uploads it.
  std::cout << "Saved " << path << " (" << img->data.size() << " bytes, qcow2, made offline)\n";
  return 0;
}

}  // namespace stacklab::cmd
