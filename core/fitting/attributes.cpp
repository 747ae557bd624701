#include "core/fitting/attributes.h"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <opencv2/core.hpp>
#include <opencv2/ml.hpp>

#include "core/analysis/embedding.h"
#include "core/common/error.h"

namespace latentlab {
namespace {

// Latents as float64 [N, D] and labels as int64 [N] (+1, -1, 0), checked against each other.
std::pair<torch::Tensor, torch::Tensor> checked(const torch::Tensor& latents,
                                                const torch::Tensor& labels) {
  if (!latents.defined() || latents.dim() != 2)
    throw InputError("attributes: latents must have shape [N, D]");
  if (!labels.defined() || labels.dim() != 1 || labels.size(0) != latents.size(0))
    throw InputError("attributes: expected " + std::to_string(latents.size(0)) +
                     " labels, got shape " +
                     (labels.defined() ? c10::str(labels.sizes()) : "none"));
  auto z = latents.to(torch::kCPU, torch::kFloat64).contiguous();
  if (!torch::isfinite(z).all().item<bool>())
    throw InputError("attributes: latents contain NaN or Inf");
  return {z, labels.to(torch::kCPU).sign().to(torch::kInt64)};
}

std::pair<torch::Tensor, torch::Tensor> class_means(const torch::Tensor& z,
                                                    const torch::Tensor& y) {
  const auto pos = y > 0, neg = y < 0;
  if (!pos.any().item<bool>() || !neg.any().item<bool>())
    throw InputError("attributes: both classes need at least one latent (positives " +
                     std::to_string(pos.sum().item<int64_t>()) + ", negatives " +
                     std::to_string(neg.sum().item<int64_t>()) + ")");
  return {z.index({pos}).mean(0), z.index({neg}).mean(0)};
}

// Rows with a known label, shuffled by seed, cut into (train, test) index tensors.
std::pair<torch::Tensor, torch::Tensor> split(const torch::Tensor& y, double test_fraction,
                                              uint64_t seed) {
  const auto known = torch::nonzero(y != 0).squeeze(1);
  auto gen = at::detail::createCPUGenerator(seed);
  const auto order = known.index_select(0, torch::randperm(known.size(0), gen, torch::kInt64));
  const double f = std::clamp(test_fraction, 0.0, 0.9);
  int64_t test = static_cast<int64_t>(std::ceil(f * static_cast<double>(order.size(0))));
  if (f > 0) test = std::max<int64_t>(test, 1);
  return {order.slice(0, test), order.slice(0, 0, test)};
}

// Accuracy and balanced accuracy of "positive when scores > 0" against labels.
std::pair<double, double> score(const torch::Tensor& scores, const torch::Tensor& y) {
  if (y.numel() == 0) return {0.0, 0.0};
  const auto predicted = torch::where(scores > 0, torch::ones_like(y), -torch::ones_like(y));
  const auto right = (predicted == y).to(torch::kFloat64);
  const double accuracy = right.mean().item<double>();
  double balanced = 0.0;
  int classes = 0;
  for (int64_t c : {1, -1}) {
    const auto in = y == c;
    if (!in.any().item<bool>()) continue;
    balanced += right.index({in}).mean().item<double>();
    ++classes;
  }
  return {accuracy, classes ? balanced / classes : 0.0};
}

cv::Mat float_rows(const torch::Tensor& z) {
  const auto f = z.to(torch::kFloat32).contiguous();
  return cv::Mat(static_cast<int>(f.size(0)), static_cast<int>(f.size(1)), CV_32F,
                 f.data_ptr<float>())
      .clone();
}

// (w, b) with "positive when w . z > b" from an OpenCV model trained on (samples, labels).
std::pair<torch::Tensor, double> train_linear(const torch::Tensor& z, const torch::Tensor& y,
                                              const LinearBoundaryOptions& options) {
  const cv::Mat samples = float_rows(z);
  const int64_t d = z.size(1);
  if (options.model == BoundaryModel::Svm) {
    cv::Mat responses(static_cast<int>(y.size(0)), 1, CV_32S);
    const auto labels = y.contiguous();
    for (int i = 0; i < responses.rows; ++i)
      responses.at<int>(i) = static_cast<int>(labels.data_ptr<int64_t>()[i]);
    auto svm = cv::ml::SVM::create();
    svm->setType(cv::ml::SVM::C_SVC);
    svm->setKernel(cv::ml::SVM::LINEAR);
    svm->setC(options.c);
    // Balanced class weights (classes in label order: -1, then +1): without them a rare attribute
    // (one class of ten against the rest) gets a boundary that calls everything negative.
    const double positives = static_cast<double>((y > 0).sum().item<int64_t>());
    const double negatives = static_cast<double>(y.size(0)) - positives;
    cv::Mat weights =
        (cv::Mat_<double>(2, 1) << 0.5 * y.size(0) / negatives, 0.5 * y.size(0) / positives);
    svm->setClassWeights(weights);
    svm->setTermCriteria(
        cv::TermCriteria(cv::TermCriteria::MAX_ITER + cv::TermCriteria::EPS, 100000, 1e-4));
    svm->train(samples, cv::ml::ROW_SAMPLE, responses);
    // A linear SVM keeps its support vectors compressed into one weight vector.
    const cv::Mat sv = svm->getSupportVectors();
    cv::Mat alpha, index;
    const double rho = svm->getDecisionFunction(0, alpha, index);
    cv::Mat alpha64;
    alpha.convertTo(alpha64, CV_64F);
    auto w = torch::zeros({d}, torch::kFloat64);
    for (int i = 0; i < alpha64.cols * alpha64.rows; ++i) {
      const cv::Mat row = sv.row(index.at<int>(i));
      for (int64_t j = 0; j < d; ++j)
        w[j] += alpha64.at<double>(i) * row.at<float>(static_cast<int>(j));
    }
    return {w, rho};  // OpenCV's decision value is w . z - rho
  }
  cv::Mat responses(static_cast<int>(y.size(0)), 1, CV_32F);
  const auto labels = y.contiguous();
  for (int i = 0; i < responses.rows; ++i)
    responses.at<float>(i) = labels.data_ptr<int64_t>()[i] > 0 ? 1.0f : 0.0f;
  auto lr = cv::ml::LogisticRegression::create();
  lr->setLearningRate(0.1);
  lr->setIterations(2000);
  lr->setRegularization(cv::ml::LogisticRegression::REG_L2);
  lr->setTrainMethod(cv::ml::LogisticRegression::BATCH);
  lr->train(samples, cv::ml::ROW_SAMPLE, responses);
  cv::Mat theta;
  lr->get_learnt_thetas().convertTo(theta, CV_64F);  // [1, D + 1], the bias first
  auto w = torch::zeros({d}, torch::kFloat64);
  for (int64_t j = 0; j < d; ++j) w[j] = theta.at<double>(0, static_cast<int>(j + 1));
  return {w, -theta.at<double>(0, 0)};
}

}  // namespace

std::string to_string(AttributeMethod method) {
  return method == AttributeMethod::Linear ? "linear" : "mean-diff";
}

AttributeMethod parse_attribute_method(const std::string& text) {
  if (text == "mean-diff") return AttributeMethod::MeanDifference;
  if (text == "linear") return AttributeMethod::Linear;
  throw InputError("unknown attribute method '" + text + "' (use mean-diff or linear)");
}

std::string to_string(BoundaryModel model) {
  return model == BoundaryModel::Logistic ? "logistic" : "svm";
}

BoundaryModel parse_boundary_model(const std::string& text) {
  if (text == "svm") return BoundaryModel::Svm;
  if (text == "logistic") return BoundaryModel::Logistic;
  throw InputError("unknown linear model '" + text + "' (use svm or logistic)");
}

torch::Tensor mean_difference(const torch::Tensor& latents, const torch::Tensor& labels) {
  torch::NoGradGuard no_grad;
  const auto [z, y] = checked(latents, labels);
  const auto [pos, neg] = class_means(z, y);
  return (pos - neg).to(torch::kFloat32);
}

LinearBoundary fit_linear_boundary(const torch::Tensor& latents, const torch::Tensor& labels,
                                   const LinearBoundaryOptions& options) {
  torch::NoGradGuard no_grad;
  const auto [z, y] = checked(latents, labels);
  for (int64_t c : {1, -1})
    if ((y == c).sum().item<int64_t>() < 2)
      throw InputError("linear boundary: each class needs at least 2 latents");
  auto [train, test] = split(y, options.test_fraction, options.seed);
  if (options.max_train_samples > 0 && train.size(0) > options.max_train_samples)
    train = train.slice(0, 0, options.max_train_samples);  // already shuffled
  const auto ytrain = y.index_select(0, train);
  if (!(ytrain > 0).any().item<bool>() || !(ytrain < 0).any().item<bool>())
    throw InputError("linear boundary: the training split lacks one of the classes");
  torch::Tensor w;
  double b = 0.0;
  try {
    std::tie(w, b) = train_linear(z.index_select(0, train), ytrain, options);
  } catch (const cv::Exception& e) {
    throw Error(std::string("linear boundary: OpenCV failed: ") + e.what());
  }
  const double norm = w.norm().item<double>();
  if (!(norm > 0) || !std::isfinite(norm))
    throw Error("linear boundary: the classifier found no direction");
  LinearBoundary out;
  auto normal = w / norm;
  double offset = b / norm;
  // Whatever sign convention the library uses, point the normal at the positive class.
  const auto [pos, neg] = class_means(z.index_select(0, train), ytrain);
  if (torch::dot(normal, pos - neg).item<double>() < 0) {
    normal = -normal;
    offset = -offset;
  }
  out.normal = normal.to(torch::kFloat32);
  out.offset = offset;
  out.train_size = train.size(0);
  out.test_size = test.size(0);
  const auto ztest = z.index_select(0, test);
  std::tie(out.accuracy, out.balanced_accuracy) =
      score(torch::matmul(ztest, normal) - offset, y.index_select(0, test));
  return out;
}

torch::Tensor scale_like_mean_difference(const torch::Tensor& normal, const torch::Tensor& latents,
                                         const torch::Tensor& labels) {
  torch::NoGradGuard no_grad;
  const auto [z, y] = checked(latents, labels);
  const auto n = normal.to(torch::kCPU, torch::kFloat64).reshape({-1});
  if (n.size(0) != z.size(1))
    throw InputError("attributes: the normal must have one value per latent dimension");
  const auto unit = n / n.norm().clamp_min(1e-300);
  const auto [pos, neg] = class_means(z, y);
  return (unit * torch::dot(unit, pos - neg)).to(torch::kFloat32);
}

std::pair<double, double> mean_difference_accuracy(const torch::Tensor& latents,
                                                   const torch::Tensor& labels,
                                                   double test_fraction, uint64_t seed) {
  torch::NoGradGuard no_grad;
  const auto [z, y] = checked(latents, labels);
  const auto [train, test] = split(y, test_fraction, seed);
  const auto ztrain = z.index_select(0, train);
  const auto [pos, neg] = class_means(ztrain, y.index_select(0, train));
  const auto d = pos - neg;
  const double threshold = 0.5 * (torch::dot(pos, d) + torch::dot(neg, d)).item<double>();
  return score(torch::matmul(z.index_select(0, test), d) - threshold, y.index_select(0, test));
}

torch::Tensor orthonormal_basis(const std::vector<torch::Tensor>& directions) {
  torch::NoGradGuard no_grad;
  std::vector<torch::Tensor> basis;
  int64_t d = -1;
  for (const auto& direction : directions) {
    auto v = direction.to(torch::kCPU, torch::kFloat64).reshape({-1});
    if (d < 0) d = v.size(0);
    if (v.size(0) != d) throw InputError("Gram-Schmidt: directions of different lengths");
    const double original = v.norm().item<double>();
    if (!(original > 0)) continue;
    // Classical Gram-Schmidt applied twice is as accurate as modified Gram-Schmidt ("twice is
    // enough"), keeping the basis orthogonal to rounding even for nearly parallel directions.
    for (int pass = 0; pass < 2; ++pass)
      for (const auto& b : basis) v = v - torch::dot(v, b) * b;
    const double residual = v.norm().item<double>();
    // Dependent on the earlier ones, to float32 rounding (directions are stored as float32).
    if (residual <= 1e-6 * original) continue;
    basis.push_back(v / residual);
  }
  if (basis.empty()) return torch::zeros({0, std::max<int64_t>(d, 0)}, torch::kFloat64);
  return torch::stack(basis);
}

torch::Tensor condition_direction(const torch::Tensor& primary,
                                  const std::vector<torch::Tensor>& held) {
  torch::NoGradGuard no_grad;
  auto v = primary.to(torch::kCPU, torch::kFloat64).reshape({-1});
  for (const auto& h : held)
    if (h.numel() != v.size(0))
      throw InputError("conditional editing: every direction must have " +
                       std::to_string(v.size(0)) + " values");
  const auto basis = orthonormal_basis(held);
  for (int pass = 0; pass < 2; ++pass)
    for (int64_t i = 0; i < basis.size(0); ++i) v = v - torch::dot(v, basis[i]) * basis[i];
  return v.to(torch::kFloat32);
}

AttributeVector user_attribute(const torch::Tensor& with, const torch::Tensor& without,
                               const std::string& source) {
  torch::NoGradGuard no_grad;
  if (!with.defined() || !without.defined() || with.dim() != 2 || without.dim() != 2 ||
      with.size(0) == 0 || without.size(0) == 0 || with.size(1) != without.size(1))
    throw InputError("user attribute: both selections need at least one latent of the same size");
  const auto diff =
      (with.to(torch::kFloat64).mean(0) - without.to(torch::kFloat64).mean(0)).to(torch::kFloat32);
  AttributeVector a;
  a.direction.assign(diff.data_ptr<float>(), diff.data_ptr<float>() + diff.numel());
  a.method = "user";
  a.source = source;
  return a;
}

torch::Tensor one_vs_rest(const torch::Tensor& labels, int64_t classes) {
  const auto l = labels.to(torch::kCPU, torch::kInt64).reshape({-1, 1});
  const auto ids = torch::arange(classes, torch::kInt64).reshape({1, -1});
  auto out =
      torch::where(l == ids, torch::ones({1}, torch::kInt8), -torch::ones({1}, torch::kInt8));
  return torch::where(l < 0, torch::zeros({1}, torch::kInt8), out);
}

std::vector<AttributeReport> compute_attributes(const torch::Tensor& latents,
                                                const torch::Tensor& values,
                                                const std::vector<std::string>& attribute_names,
                                                const std::vector<std::string>& names,
                                                const AttributeOptions& options) {
  if (!values.defined() || values.dim() != 2 ||
      values.size(1) != static_cast<int64_t>(attribute_names.size()))
    throw InputError("attributes: expected values of shape [N, " +
                     std::to_string(attribute_names.size()) + "]");
  if (attribute_names.empty())
    throw InputError("attributes: the data set has no labelled attributes");
  std::vector<std::string> wanted = names.empty() ? attribute_names : names;
  std::vector<AttributeReport> out;
  for (const auto& name : wanted) {
    const auto at = std::find(attribute_names.begin(), attribute_names.end(), name);
    if (at == attribute_names.end()) {
      std::string known;
      for (const auto& n : attribute_names) known += (known.empty() ? "" : ", ") + n;
      throw InputError("unknown attribute '" + name + "' (the data set has: " + known + ")");
    }
    const auto y = values.select(1, at - attribute_names.begin());
    AttributeReport r;
    r.name = name;
    r.positives = (y > 0).sum().item<int64_t>();
    r.negatives = (y < 0).sum().item<int64_t>();
    if (r.positives < 2 || r.negatives < 2)
      throw InputError((options.source.empty() ? "" : options.source + ": ") + "attribute '" +
                       name + "': needs at least 2 latents with and 2 without it (has " +
                       std::to_string(r.positives) + " and " + std::to_string(r.negatives) + ")");
    torch::Tensor direction;
    double accuracy = 0.0;
    if (options.method == AttributeMethod::Linear) {
      const auto boundary = fit_linear_boundary(latents, y, options.boundary);
      direction = scale_like_mean_difference(boundary.normal, latents, y);
      accuracy = boundary.accuracy;
      r.balanced_accuracy = boundary.balanced_accuracy;
    } else {
      direction = mean_difference(latents, y);
      std::tie(accuracy, r.balanced_accuracy) = mean_difference_accuracy(
          latents, y, options.boundary.test_fraction, options.boundary.seed);
    }
    direction = direction.contiguous();
    r.vector.direction.assign(direction.data_ptr<float>(),
                              direction.data_ptr<float>() + direction.numel());
    r.vector.method = to_string(options.method);
    r.vector.source = options.source;
    r.vector.accuracy = accuracy;
    out.push_back(std::move(r));
  }
  return out;
}

std::map<std::string, torch::Tensor> attribute_directions(const ModelInfo& info,
                                                          const Embedding& embedding) {
  std::map<std::string, torch::Tensor> directions;
  for (const auto& [name, vector] : info.attributes)
    directions[name] = torch::tensor(vector.direction, torch::kFloat32);
  torch::Tensor values = embedding.attributes;
  auto names = embedding.attribute_names;
  if (names.empty() && !embedding.class_names.empty()) {
    values = one_vs_rest(embedding.labels, int64_t(embedding.class_names.size()));
    names = embedding.class_names;
  }
  for (size_t a = 0; a < names.size(); ++a) {
    const auto column = values.select(1, int64_t(a));
    if (directions.count(names[a]) || !(column > 0).any().item<bool>() ||
        !(column < 0).any().item<bool>())
      continue;  // stored already, or one class is empty
    directions[names[a]] = mean_difference(embedding.means, column);
  }
  return directions;
}

}  // namespace latentlab
