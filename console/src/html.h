// Pieces every console page is built from; internal to the console library.
#pragma once

#include <string>
#include <string_view>

#include <ptmon/base/text.h>
#include <ptmon/console/pages.h>

namespace ptmon::console_internal {

// The document around `content`: head, the top bar with navigation and the user, the footer.
std::string Document(const PageFrame& frame, std::string_view title, std::string_view content);

// <span class="light light-red">红灯</span>
std::string LightBadge(Light light);
// A bar of `ratio` (1 = full), coloured by its light, captioned with the percentage as printed
// (PrintedProgressPercent: never rounded across the light's threshold); empty without a ratio.
std::string ProgressBar(std::optional<double> ratio, Light light,
                        std::optional<double> printed_percent);
// "2026年7月"
std::string MonthText(Period period);
// A value in the unit its target was published in (FormatQuantity: 1200万条, 26.30万元, never
// rounded across the target), or its grade; "—" when there is none.
std::string ValueText(std::optional<double> value, Grade grade, const Target& target);
std::string PercentText(std::optional<double> ratio, int decimals = 1);
// Money in 万元 with two decimals, grouped.
std::string WanYuanText(double yuan);
// The hidden CSRF field.
std::string CsrfField(std::string_view csrf);
// An <option> (selected when `value` equals `current`).
std::string Option(std::string_view value, std::string_view label, std::string_view current);

}  // namespace ptmon::console_internal
