/* SPDX-License-Identifier: MIT */
/*
 * Sensor drivers as data.  Each model in drivers/ is one const struct
 * drv_model: its points (register kind, 0-based wire address, type, order,
 * scale, offset, unit, rated range), the status registers that qualify them,
 * and the device's limits and timing.  The daemon and the simulator both work
 * from these tables, so a driver and its simulation cannot drift apart.
 */
#ifndef LW_DRIVER_H
#define LW_DRIVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "reading.h"
#include "regtype.h"

/*
 * Four: the In-Situ blocks need three checks on the data quality ID and one
 * on the units ID.
 */
#define DRV_MAX_CHECKS	4

enum drv_check_kind {
	DRV_CHECK_NONE,		/* unused slot */
	DRV_CHECK_BITS,		/* fails when any bit of field is set */
	DRV_CHECK_IS,		/* fails when field == code */
	DRV_CHECK_NOT,		/* fails when field != code */
};

/*
 * A status register that qualifies a point.  field = (register >> shift) &
 * mask.  When the check fails the reading's quality becomes at least
 * `quality` (LW_Q_SUSPECT or LW_Q_BAD).
 */
struct drv_check {
	enum drv_check_kind	 kind;
	enum mb_regkind		 reg;
	uint16_t		 addr;		/* wire address of the status register */
	uint8_t			 shift;
	uint16_t		 mask;
	uint16_t		 code;		/* for IS and NOT */
	enum lw_quality		 quality;
};

struct drv_point {
	const char		*name;		/* "ph": the point's name on the device */
	const char		*unit;		/* UCUM-like: "Cel", "mS/cm", "[pH]" */
	enum mb_regkind		 reg;
	uint16_t		 addr;		/* 0-based wire address */
	enum mb_type		 type;
	enum mb_order		 order;
	double			 scale;		/* value = raw * scale + offset */
	double			 offset;
	double			 rated_min;	/* outside the rated range: suspect */
	double			 rated_max;
	bool			 has_sentinel;
	uint64_t		 sentinel;	/* raw register bits that mean "no value": bad */
	struct drv_check	 checks[DRV_MAX_CHECKS];
};

struct drv_model {
	const char		*name;		/* "insitu-at400": the config's model */
	const char		*description;	/* "In-Situ Aqua TROLL 400 multiparameter sonde" */
	const struct drv_point	*points;
	size_t			 npoints;
	uint16_t		 max_regs_per_read;	/* largest read the device accepts */
	uint16_t		 max_gap;	/* unused registers one read may bridge */
	bool			 align_even;	/* reads must start at an even address */
	unsigned		 turnaround_ms;	/* quiet time the device needs between frames */
	unsigned		 warmup_ms;	/* power-on to first valid reading */
	unsigned		 min_interval_ms;	/* fastest sensible poll */
	unsigned		 max_reply_ms;	/* slowest reply the manual allows */
	/* Factory serial settings, for documentation and the simulator. */
	unsigned		 baud;
	char			 parity;	/* 'N', 'E', 'O' */
	unsigned		 data_bits;
	unsigned		 stop_bits;
	unsigned		 default_unit;	/* factory Modbus address */
};

/* Every shipped model, "generic" excluded; defined in drivers/registry.c. */
extern const struct drv_model *const drv_models[];
extern const size_t drv_nmodels;

/* The shipped model of that name, or NULL ("generic" is not a table). */
const struct drv_model	*drv_find(const char *name);

/* Index of the point of that name in the model, or -ENOENT. */
int			 drv_point_index(const struct drv_model *, const char *name);

#endif
