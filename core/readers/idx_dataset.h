#pragma once
// Folder core/readers/ (needs OpenCV). Data-set readers behind core/data's interface: IDX pairs
// such as Fashion-MNIST (this file), folders of images labelled by sub-folder, the CelebA layout
// with its attribute file, the synthetic faces rendered on demand (generated_faces.h), and the
// --data spec parser (dataset_spec.cpp) that opens any of them.
//
// Data sets held in memory from IDX files: Fashion-MNIST and any MNIST-format pair.
#include <memory>
#include <string>
#include <vector>

#include "core/data/dataset.h"

namespace latentlab {

// The ten Fashion-MNIST classes, in label order.
const std::vector<std::string>& fashion_mnist_classes();

// images: an idx3-ubyte file; labels_path: an idx1-ubyte file or empty (no labels).
// class_names: names for labels 0..K-1; empty: "0".."max label". Throws DatasetError naming the
// file for a malformed file, a label count that differs from the image count, or a label
// outside the class names.
std::unique_ptr<Dataset> open_idx_dataset(const std::string& images_path,
                                          const std::string& labels_path,
                                          const DatasetOptions& options, const std::string& spec,
                                          std::vector<std::string> class_names = {});

// split: "train", "test" or "all" (the 60,000 training images, then the 10,000 test images). Reads
// {train,t10k}-{images-idx3,labels-idx1}-ubyte[.gz] from options.data_dir or kFashionMnistDir.
std::unique_ptr<Dataset> open_fashion_mnist(const std::string& split, const DatasetOptions& options,
                                            const std::string& spec);

}  // namespace latentlab
