// Attribute axes: coordinates are the data's positions along each unit attribute direction; the
// best orthogonal partner is the top principal axis of the rest, checked against an SVD.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "core/analysis/attribute_axes.h"
#include "core/common/error.h"

using namespace latentlab;

TEST(AttributeAxes, CoordinatesRunAlongEachAttribute) {
  torch::manual_seed(0);
  const auto z = torch::randn({500, 6}, torch::kFloat64) *
                 torch::tensor({3.0, 1.0, 1.0, 1.0, 1.0, 0.5}, torch::kFloat64);
  const auto smile = torch::tensor({1.0, 1.0, 0.0, 0.0, 0.0, 0.0}, torch::kFloat64);
  const auto beard = torch::tensor({0.0, 0.0, 2.0, 0.0, 0.0, 0.0}, torch::kFloat64);
  const auto p = attribute_axes({"Smiling", smile}, NamedDirection{"Beard", beard}, z);
  EXPECT_EQ(p.kind, "attributes:Smiling,Beard");
  EXPECT_EQ(p.axis_names, (std::vector<std::string>{"Smiling", "Beard"}));
  const auto xy = p.project(z);
  const auto centred = z - z.mean(0);
  EXPECT_TRUE(torch::allclose(xy.select(1, 0), torch::matmul(centred, smile / smile.norm())));
  EXPECT_TRUE(torch::allclose(xy.select(1, 1), centred.select(1, 2)));
  EXPECT_NEAR(p.explained_variance[1].item<double>(), z.select(1, 2).var().item<double>(), 1e-9);
  // Not orthogonal: each axis is read along its own attribute.
  const auto tilted = torch::tensor({1.0, 0.0, 1.0, 0.0, 0.0, 0.0}, torch::kFloat64);
  const auto q = attribute_axes({"Smiling", smile}, NamedDirection{"Tilt", tilted}, z);
  EXPECT_TRUE(
      torch::allclose(q.project(z).select(1, 1), torch::matmul(centred, tilted / tilted.norm())));
}

TEST(AttributeAxes, OneAttributeGetsItsBestOrthogonalPartner) {
  torch::manual_seed(1);
  const auto z = torch::randn({800, 5}, torch::kFloat64) *
                 torch::tensor({4.0, 3.0, 1.0, 1.0, 1.0}, torch::kFloat64);
  const auto smile = torch::tensor({1.0, 0.2, 0.0, 0.0, 0.0}, torch::kFloat64);
  const auto p = attribute_axes({"Smiling", smile}, std::nullopt, z);
  EXPECT_EQ(p.kind, "attributes:Smiling");
  EXPECT_EQ(p.axis_names[1], "PC1 \u22a5 Smiling");
  const auto u = p.components[0], v = p.components[1];
  EXPECT_NEAR(torch::dot(u, v).item<double>(), 0.0, 1e-12);
  EXPECT_NEAR(v.norm().item<double>(), 1.0, 1e-12);
  // The reference: the first right singular vector of the centred data with u removed.
  const auto centred = z - z.mean(0);
  const auto rest = centred - torch::outer(torch::matmul(centred, u), u);
  const auto top = std::get<2>(torch::linalg_svd(rest, /*full_matrices=*/false, c10::nullopt))[0];
  EXPECT_NEAR(std::fabs(torch::dot(top, v).item<double>()), 1.0, 1e-9);
}

TEST(AttributeAxes, SpecsAndBadInput) {
  const auto z = torch::randn({50, 3});
  const std::map<std::string, torch::Tensor> known{{"Smiling", torch::tensor({1.0f, 0.0f, 0.0f})},
                                                   {"Beard", torch::tensor({0.0f, 1.0f, 0.0f})},
                                                   {"Grin", torch::tensor({2.0f, 0.0f, 0.01f})}};
  EXPECT_EQ(attribute_projection("attributes:Beard,Smiling", known, z).axis_names[0], "Beard");
  EXPECT_EQ(attribute_projection("attributes:Beard", known, z).kind, "attributes:Beard");
  try {
    attribute_projection("attributes:Smiling,Wings", known, z);
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("no attribute 'Wings' (known: Beard, Grin, Smiling)"),
              std::string::npos)
        << e.what();
  }
  EXPECT_THROW(attribute_projection("attributes:Smiling,Grin", known, z), InputError);  // parallel
  EXPECT_THROW(attribute_projection("attributes:", known, z), InputError);
  EXPECT_THROW(attribute_axes({"Zero", torch::zeros({3})}, std::nullopt, z), InputError);
  EXPECT_THROW(attribute_axes({"Short", torch::ones({2})}, std::nullopt, z), InputError);
}
