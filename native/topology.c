/*
 * topology.c: reads the machine topology with hwloc and flattens it into the
 * int64 layout documented in outrider.h, so that TypeScript never touches
 * hwloc structs (their offsets change between hwloc versions) or its static
 * inline helpers.
 */
#include <hwloc.h>

#include "outrider.h"

static int64_t logical_index_or_minus_one(hwloc_obj_t obj) { return obj ? (int64_t)obj->logical_index : -1; }

static void first_cache(hwloc_topology_t topology, hwloc_obj_type_t type, int64_t *bytes_out,
                        int64_t *count_out) {
  int count = hwloc_get_nbobjs_by_type(topology, type);
  *count_out = count > 0 ? count : 0;
  *bytes_out = 0;
  for (int i = 0; i < count; i++) {
    hwloc_obj_t cache = hwloc_get_obj_by_type(topology, type, (unsigned)i);
    if (cache && cache->attr && cache->attr->cache.type != HWLOC_OBJ_CACHE_INSTRUCTION) {
      *bytes_out = (int64_t)cache->attr->cache.size;
      return;
    }
  }
}

/* The OS index of the NUMA node whose cpuset holds this PU, or -1. */
static int64_t numa_node_of(hwloc_topology_t topology, hwloc_obj_t pu, int numa_count) {
  for (int i = 0; i < numa_count; i++) {
    hwloc_obj_t node = hwloc_get_obj_by_type(topology, HWLOC_OBJ_NUMANODE, (unsigned)i);
    if (node && node->cpuset && hwloc_bitmap_isset(node->cpuset, pu->os_index)) return node->os_index;
  }
  return -1;
}

int32_t outrider_topology_read(int64_t *out, uint32_t capacity) {
  hwloc_topology_t topology;
  if (hwloc_topology_init(&topology) != 0) return -OUTRIDER_EHWLOC_INIT;
  if (hwloc_topology_load(topology) != 0) {
    hwloc_topology_destroy(topology);
    return -OUTRIDER_EHWLOC_LOAD;
  }
  int pu_count = hwloc_get_nbobjs_by_type(topology, HWLOC_OBJ_PU);
  int numa_count = hwloc_get_nbobjs_by_type(topology, HWLOC_OBJ_NUMANODE);
  if (pu_count < 0) pu_count = 0;
  if (numa_count < 0) numa_count = 0;
  int64_t needed = OUTRIDER_TOPOLOGY_HEADER_LEN + (int64_t)pu_count * OUTRIDER_TOPOLOGY_PU_RECORD_LEN;
  if (out != NULL && needed <= (int64_t)capacity) {
    out[0] = 1;
    out[1] = hwloc_get_nbobjs_by_type(topology, HWLOC_OBJ_PACKAGE);
    out[2] = hwloc_get_nbobjs_by_type(topology, HWLOC_OBJ_CORE);
    out[3] = pu_count;
    out[4] = numa_count;
    first_cache(topology, HWLOC_OBJ_L1CACHE, &out[5], &out[6]);
    first_cache(topology, HWLOC_OBJ_L2CACHE, &out[7], &out[8]);
    first_cache(topology, HWLOC_OBJ_L3CACHE, &out[9], &out[10]);
    out[11] = pu_count;
    out[12] = OUTRIDER_TOPOLOGY_PU_RECORD_LEN;
    for (int i = 0; i < pu_count; i++) {
      hwloc_obj_t pu = hwloc_get_obj_by_type(topology, HWLOC_OBJ_PU, (unsigned)i);
      int64_t *record = out + OUTRIDER_TOPOLOGY_HEADER_LEN + (int64_t)i * OUTRIDER_TOPOLOGY_PU_RECORD_LEN;
      record[0] = pu ? (int64_t)pu->os_index : -1;
      record[1] = pu ? logical_index_or_minus_one(hwloc_get_ancestor_obj_by_type(topology, HWLOC_OBJ_CORE, pu)) : -1;
      record[2] =
          pu ? logical_index_or_minus_one(hwloc_get_ancestor_obj_by_type(topology, HWLOC_OBJ_PACKAGE, pu)) : -1;
      record[3] = pu ? numa_node_of(topology, pu, numa_count) : -1;
      record[4] =
          pu ? logical_index_or_minus_one(hwloc_get_ancestor_obj_by_type(topology, HWLOC_OBJ_L3CACHE, pu)) : -1;
    }
  }
  hwloc_topology_destroy(topology);
  return (int32_t)needed;
}
