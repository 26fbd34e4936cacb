/* SPDX-License-Identifier: MIT */
/*
 * The shipped driver tables, by model name.  "generic" is not among them: its
 * points come from the configuration, which builds its model itself.
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "driver.h"

extern const struct drv_model drv_insitu_at400;
extern const struct drv_model drv_insitu_lt500;
extern const struct drv_model drv_keller_x;
extern const struct drv_model drv_yosemitech_y504;
extern const struct drv_model drv_yosemitech_y511;
extern const struct drv_model drv_yosemitech_y520;
extern const struct drv_model drv_yosemitech_y532;
extern const struct drv_model drv_ysi_odo_rtu;
extern const struct drv_model drv_vegapuls_c2x;
extern const struct drv_model drv_supmea_ph8001;

const struct drv_model *const drv_models[] = {
	&drv_insitu_at400,
	&drv_insitu_lt500,
	&drv_keller_x,
	&drv_yosemitech_y504,
	&drv_yosemitech_y511,
	&drv_yosemitech_y520,
	&drv_yosemitech_y532,
	&drv_ysi_odo_rtu,
	&drv_vegapuls_c2x,
	&drv_supmea_ph8001,
};

const size_t drv_nmodels = sizeof(drv_models) / sizeof(drv_models[0]);

const struct drv_model *
drv_find(const char *name)
{
	if (name == NULL)
		return NULL;
	for (size_t i = 0; i < drv_nmodels; i++)
		if (strcmp(drv_models[i]->name, name) == 0)
			return drv_models[i];
	return NULL;
}

int
drv_point_index(const struct drv_model *m, const char *name)
{
	if (m == NULL || name == NULL)
		return -ENOENT;
	for (size_t i = 0; i < m->npoints; i++)
		if (strcmp(m->points[i].name, name) == 0)
			return (int)i;
	return -ENOENT;
}
