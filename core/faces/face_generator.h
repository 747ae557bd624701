#pragma once
// Folder core/faces/ (needs OpenCV). The synthetic labelled faces: parameters sampled per (seed,
// index) (this file) and drawn anti-aliased by the renderer (face_renderer.h, face_painter.h),
// written in the CelebA layout.
//
// Synthetic labelled faces: LatentLab cannot download CelebA, so it draws its own faces
// (frontal cartoon portraits) with binary attributes that are visible in the pixels, plus
// unlabelled continuous variation so a latent space has structure beyond the labels.
// Every face is a pure function of (seed, index): faces can be drawn in any order, on any
// number of threads, and the bytes do not change.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/faces/face_renderer.h"

namespace latentlab {

// The labelled attributes, in the order of the attribute file's columns.
const std::vector<std::string>& face_attribute_names();

// +1 / -1 per name in face_attribute_names().
std::vector<int8_t> face_attributes(const FaceParameters& face);

// The parameters of face number `index` (0-based) of the data set drawn from `seed`.
FaceParameters sample_face_parameters(uint64_t seed, int64_t index);

// The PNG file name of face `index` (0-based) in the CelebA layout: "000001.png" for index 0.
std::string face_file_name(int64_t index);

// Called now and then with (done, total); returning false cancels (Cancelled is thrown).
using FaceProgress = std::function<bool(int64_t done, int64_t total)>;

// Writes `count` faces in the CelebA layout: dir/img_align_celeba/000001.png ... and
// dir/list_attr_celeba.txt (count, attribute names, then "000001.png  1 -1 ..." per image).
// Every file is written atomically, and the attribute file last (after any old one is removed),
// so an interrupted run never looks complete. threads <= 0: every core. The output does not
// depend on the thread count. progress is called from the calling thread only.
void write_face_dataset(const std::string& dir, int64_t count, uint64_t seed, int size = 64,
                        int threads = 0, const FaceProgress& progress = {});

// A PNG of the first columns x rows faces of `seed`, each scaled up `scale` times, for looking
// at the data set.
void write_face_contact_sheet(const std::string& path, uint64_t seed, int size = 64,
                              int columns = 8, int rows = 8, int scale = 2);

}  // namespace latentlab
