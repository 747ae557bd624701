#pragma once
// Folder core/fitting/ (needs OpenCV). Models fitted to latent codes with OpenCV's machine
// learning: attribute vectors from labelled data (this file; mean difference, linear SVM, logistic
// regression), latent axes for large latents (latent_axes.h) and the guided analysis of a model
// with a labelled data set (analyse.h). (gmm.h forwards to the Gaussian mixture, now in
// core/analysis.)
//
// Attribute vectors: latent directions for labelled binary attributes (Smiling, Eyeglasses, ...).
//   mean-diff: mean latent of the images with the attribute minus the mean of those without it
//              (the classic course method);
//   linear:    the unit normal of a linear boundary between the two classes (OpenCV's linear SVM
//              or logistic regression), scaled like the mean difference
//              (scale_like_mean_difference).
// Both report the held-out accuracy of classifying by the direction. Conditional editing removes
// from one direction its components along others (Gram-Schmidt). Labels are +1 / -1; 0 means
// unknown and is ignored.
#include <torch/types.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/model/model_info.h"

namespace latentlab {

struct Embedding;

enum class AttributeMethod { MeanDifference, Linear };
std::string to_string(AttributeMethod method);                    // "mean-diff", "linear"
AttributeMethod parse_attribute_method(const std::string& text);  // throws InputError

enum class BoundaryModel { Svm, Logistic };
std::string to_string(BoundaryModel model);                   // "svm", "logistic"
BoundaryModel parse_boundary_model(const std::string& text);  // throws InputError

// Mean of the latents [N, D] with label > 0 minus the mean of those with label < 0: [D] float32.
// Throws InputError when a class is empty or sizes disagree.
torch::Tensor mean_difference(const torch::Tensor& latents, const torch::Tensor& labels);

struct LinearBoundaryOptions {
  BoundaryModel model = BoundaryModel::Svm;
  double test_fraction = 0.2;        // held out for the accuracy
  uint64_t seed = 0;                 // the split and the training subsample
  int64_t max_train_samples = 4000;  // the SVM's cost grows faster than linearly (0: no cap)
  double c = 1.0;                    // SVM soft-margin constant (classes weighted to balance)
};

struct LinearBoundary {
  torch::Tensor normal;            // [D] float32 unit normal pointing towards the positive class
  double offset = 0.0;             // the boundary is normal . z = offset
  double accuracy = 0.0;           // on the held-out split
  double balanced_accuracy = 0.0;  // mean of the two per-class accuracies, held-out
  int64_t train_size = 0, test_size = 0;
};

// Fits a linear classifier of latents [N, D] by labels [N] on a random split and measures it on
// the held-out part. Throws InputError when either class has fewer than 2 members.
LinearBoundary fit_linear_boundary(const torch::Tensor& latents, const torch::Tensor& labels,
                                   const LinearBoundaryOptions& options = {});

// A unit normal n scaled so that it is comparable to the mean difference: s n with
// s = n . (mean_pos - mean_neg), the distance between the class means measured along n. Adding it
// to the negative class mean moves that mean's projection onto n exactly to the positive mean's,
// as adding the mean difference does; for classes that differ only along n the two coincide.
torch::Tensor scale_like_mean_difference(const torch::Tensor& normal, const torch::Tensor& latents,
                                         const torch::Tensor& labels);

// Held-out accuracy of classifying by a mean difference: the direction d and the threshold (the
// midpoint of the projected class means) come from the training split. {accuracy, balanced}.
std::pair<double, double> mean_difference_accuracy(const torch::Tensor& latents,
                                                   const torch::Tensor& labels,
                                                   double test_fraction = 0.2, uint64_t seed = 0);

// Orthonormal rows [M', D] spanning the directions (Gram-Schmidt in float64, twice for accuracy);
// directions that are (numerically) combinations of earlier ones are dropped.
torch::Tensor orthonormal_basis(const std::vector<torch::Tensor>& directions);

// Conditional editing: primary [D] minus its projection onto the span of held (each [D]), so
// moving along the result leaves the held attributes' coordinates unchanged. float32.
torch::Tensor condition_direction(const torch::Tensor& primary,
                                  const std::vector<torch::Tensor>& held);

// A user-defined attribute from two selections: mean of with [N1, D] minus mean of without
// [N2, D]; method "user".
AttributeVector user_attribute(const torch::Tensor& with, const torch::Tensor& without,
                               const std::string& source);

// +1 / -1 columns [N, classes] int8 from class labels [N] (one class against the rest; -1 labels
// stay unknown, 0), so labelled data without attributes (Fashion-MNIST) gets one per class.
torch::Tensor one_vs_rest(const torch::Tensor& labels, int64_t classes);

// Attribute directions [D] by name, for attribute axes: the checkpoint's stored vectors, then
// mean differences of the embedding's labelled attributes it lacks (without attributes: of each
// class against the rest); attributes with an empty class are left out.
std::map<std::string, torch::Tensor> attribute_directions(const ModelInfo& info,
                                                          const Embedding& embedding);

struct AttributeOptions {
  AttributeMethod method = AttributeMethod::MeanDifference;
  LinearBoundaryOptions boundary;  // split and model; its test_fraction/seed also serve mean-diff
  // Recorded in AttributeVector::source (the data set spec) and named in errors about the data.
  std::string source;
};

struct AttributeReport {
  std::string name;
  AttributeVector vector;  // direction, method, source, held-out accuracy
  double balanced_accuracy = 0.0;
  int64_t positives = 0, negatives = 0;
};

// One attribute vector per selected name (all when names is empty) from latents [N, D] and values
// [N, A] (+1 / -1 / 0) named by attribute_names. The stored mean-diff direction uses every latent;
// the linear one is the boundary fitted on the training split, scaled on every latent. Throws
// InputError for an unknown name (listing the known ones) or an attribute with an empty class.
std::vector<AttributeReport> compute_attributes(const torch::Tensor& latents,
                                                const torch::Tensor& values,
                                                const std::vector<std::string>& attribute_names,
                                                const std::vector<std::string>& names,
                                                const AttributeOptions& options = {});

}  // namespace latentlab
