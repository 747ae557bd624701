#pragma once
// Conditional editing for the Attributes panel ("hold other attributes fixed"): every attribute
// direction with its components along the others removed by core's Gram-Schmidt
// (condition_direction), so moving one attribute leaves the others' coordinates unchanged.
// Torch stays in the .cpp; this header is safe for widgets.
#include <vector>

namespace latentlab::ui {

// For each direction i: condition_direction(directions[i], every other direction). Directions
// must all have the same length. Throws InputError otherwise.
std::vector<std::vector<float>> conditionedDirections(
    const std::vector<std::vector<float>>& directions);

}  // namespace latentlab::ui
