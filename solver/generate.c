/*
 * Synthetic scenario generator (placematch-scenario/1), calibrated to the
 * published figures in domain/FACTS.md.  docs/GENERATOR.md explains which
 * figure each profile reproduces and how.
 *
 * Reproducibility: the output must be byte-identical for a given
 * (profile, seed, children, variant) on every machine and compiler.  So the
 * generator does no floating-point arithmetic at all while building the
 * scenario: coordinates are integers in 1e-5 degrees, distances integer
 * milli-miles (a flat-earth approximation with an integer cosine table,
 * accurate to a few yards at borough scale), costs whole pounds, shares
 * per-mille.  The only double is the final coordinate written to JSON
 * (an exactly rounded division, printed with 5 decimals).
 *
 * No global mutable state: everything lives in a struct gen on the stack.
 */
#include "placematch/placematch.h"

#include "error.h"
#include "jsonw.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_CHILDREN 200000

/* ------------------------------------------------------------------ */
/* Vocabulary                                                         */
/* ------------------------------------------------------------------ */

/* Placement types, in the order they are written.  T_NONE marks a child
 * with no current placement (a new entrant or someone awaiting a move). */
enum { T_F, T_K, T_A, T_R, T_J, T_X, T_S, T_L, T_P, NTYPE, T_NONE = NTYPE };

static const char *const type_name[NTYPE] = {
    "in_house_foster",      "connected_carer",
    "ifa_foster",           "in_house_residential",
    "joint_venture_residential", "external_residential",
    "supported_accommodation",   "supported_lodgings",
    "parent_and_child"};
static const char type_prefix[NTYPE] = {'F', 'K', 'A', 'R', 'J',
                                        'X', 'S', 'L', 'P'};

#define TM(t) (1u << (t))
#define FAMILY_TYPES (TM(T_F) | TM(T_K) | TM(T_A))
#define RESI_TYPES (TM(T_R) | TM(T_J) | TM(T_X))
#define SEMI_TYPES (TM(T_S) | TM(T_L))

enum { N_TRAUMA, N_SEND, N_DISAB, N_BEHAV, N_MH, N_SUBST, N_EXPL, NNEED };
static const char *const need_name[NNEED] = {
    "trauma",        "send",           "disability",  "behaviour",
    "mental_health", "substance_misuse", "exploitation"};

enum { V_BASE, V_GROWTH, V_OLDER, V_SIBLINGS, NVARIANT };
static const char *const variant_name[NVARIANT] = {"base", "growth", "older",
                                                   "siblings"};

/* Age bands of FACTS.md's Stockton table: 0-4, 5-10, 11-15, 16-17. */
static const int band_lo[4] = {0, 5, 11, 16};
static const int band_hi[4] = {4, 10, 15, 17};

/* ------------------------------------------------------------------ */
/* Places                                                             */
/* ------------------------------------------------------------------ */

/* Positions in 1e-5 degrees, so all geometry is integer arithmetic. */
typedef struct geo {
    int32_t lat, lon;
} geo;

typedef struct town {
    const char *name;
    int32_t lat, lon;
} town;

/* Council areas first (national profile clusters, in this order), then
 * small towns that only serve as sites of distant placements. */
static const town towns[] = {
    {"Newcastle", 5497800, -161800},    {"Sunderland", 5490600, -138100},
    {"Durham", 5477600, -157500},       {"Stockton-on-Tees", 5457000, -131800},
    {"Middlesbrough", 5457600, -123500}, {"Carlisle", 5489200, -293200},
    {"Lancaster", 5404700, -280100},    {"Blackpool", 5381700, -303600},
    {"Preston", 5376300, -270300},      {"Blackburn", 5374800, -248200},
    {"Bolton", 5357800, -242900},       {"Manchester", 5348000, -224200},
    {"Liverpool", 5340800, -299100},    {"Wigan", 5354500, -263200},
    {"Stockport", 5341100, -215700},    {"Leeds", 5380000, -154900},
    {"Bradford", 5379600, -175900},     {"Wakefield", 5368300, -149900},
    {"Sheffield", 5338100, -147000},    {"Hull", 5374400, -33300},
    {"York", 5395900, -108200},         {"Lincoln", 5323400, -53800},
    {"Nottingham", 5295400, -115800},   {"Derby", 5292200, -147600},
    {"Leicester", 5263700, -113500},    {"Stoke-on-Trent", 5300300, -218000},
    {"Birmingham", 5248600, -189000},   {"Wolverhampton", 5258700, -212900},
    {"Coventry", 5240600, -152000},     {"Northampton", 5224000, -90300},
    {"Norwich", 5263000, 129700},       {"Peterborough", 5257000, -24300},
    {"Cambridge", 5220500, 12200},      {"Ipswich", 5205600, 114800},
    {"Oxford", 5175200, -125800},       {"Reading", 5145400, -97800},
    {"Luton", 5187900, -41800},         {"Croydon", 5137600, -9800},
    {"Ealing", 5151300, -30500},        {"Hackney", 5154500, -5500},
    {"Lewisham", 5144100, -1200},       {"Maidstone", 5127200, 52900},
    {"Brighton", 5082200, -13700},      {"Southampton", 5091000, -140400},
    {"Portsmouth", 5080500, -108700},   {"Bournemouth", 5072000, -188000},
    {"Bristol", 5145500, -258800},      {"Swindon", 5155600, -178000},
    {"Gloucester", 5186400, -224400},   {"Exeter", 5071800, -353400},
    {"Plymouth", 5037600, -414300},     {"Hartlepool", 5469000, -121000},
    {"Darlington", 5452000, -155000},   {"Redcar", 5461000, -107000},
    /* sites only */
    {"Whitby", 5448600, -61500},        {"Scarborough", 5428300, -40000},
    {"Thirsk", 5423200, -134300},       {"Ripon", 5413800, -152400},
    {"Harrogate", 5399200, -154100},    {"Hexham", 5497100, -210100},
    {"Consett", 5485400, -183100},      {"Kendal", 5432800, -274500},
    {"Penrith", 5466400, -275200},      {"Morpeth", 5516800, -168800},
    {"Skipton", 5396200, -201700},      {"Barnard Castle", 5454300, -192100},
    {"Malton", 5413600, -79700},
};
#define NTOWN ((int)(sizeof towns / sizeof towns[0]))
#define NTOWN_LA 54 /* towns[0..53] are council areas */

/* cos(latitude) x 1e5 at whole degrees 49..57 (England lies within). */
static const int32_t cos_tab[9] = {65606, 64279, 62932, 61566, 60182,
                                   58779, 57358, 55919, 54464};

/* Micro-miles per 1e-5 degree of latitude, x 1e4 (Earth radius 3958.8 mi,
 * as in MODEL.md: 69.094094 miles per degree). */
#define UMI_PER_UNIT_E4 6909409LL

static int64_t cos_e5(int32_t lat)
{
    int64_t x = lat;
    if (x < 4900000)
        x = 4900000;
    if (x > 5699999)
        x = 5699999;
    int i = (int)((x - 4900000) / 100000);
    int64_t f = (x - 4900000) % 100000;
    return cos_tab[i] + (cos_tab[i + 1] - cos_tab[i]) * f / 100000;
}

static int64_t isqrt64(int64_t v)
{
    if (v <= 0)
        return 0;
    int64_t r = 0, bit = (int64_t)1 << 62;
    while (bit > v)
        bit >>= 2;
    while (bit) {
        if (v >= r + bit) {
            v -= r + bit;
            r = (r >> 1) + bit;
        } else {
            r >>= 1;
        }
        bit >>= 2;
    }
    return r;
}

/* Distance in milli-miles (equirectangular at the mean latitude: within a
 * few yards of the haversine distance the solver uses, at these ranges). */
static int64_t dist_mm(geo a, geo b)
{
    int64_t dy = (int64_t)(a.lat - b.lat) * UMI_PER_UNIT_E4 / 10000;
    int64_t dx = (int64_t)(a.lon - b.lon) * UMI_PER_UNIT_E4 / 10000 *
                 cos_e5((a.lat + b.lat) / 2) / 100000;
    return isqrt64(dx * dx + dy * dy) / 1000;
}

/* c moved x milli-miles east and y north. */
static geo offset(geo c, int64_t x, int64_t y)
{
    geo g;
    g.lat = c.lat + (int32_t)(y * 10000000 / UMI_PER_UNIT_E4);
    g.lon = c.lon + (int32_t)(x * 1000000000000LL /
                              (UMI_PER_UNIT_E4 * cos_e5(c.lat)));
    return g;
}

/* ------------------------------------------------------------------ */
/* Random numbers: xoshiro256** seeded through splitmix64             */
/* ------------------------------------------------------------------ */

typedef struct rng {
    uint64_t s[4];
} rng;

static uint64_t splitmix(uint64_t *x)
{
    uint64_t z = (*x += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

/* Independent streams from (seed, profile hash, size, stream tag). */
static void rng_init(rng *r, uint64_t seed, uint64_t phash, uint64_t n,
                     uint64_t tag)
{
    uint64_t x = seed;
    x = splitmix(&x) ^ phash;
    x = splitmix(&x) ^ n;
    x = splitmix(&x) ^ tag;
    for (int i = 0; i < 4; i++)
        r->s[i] = splitmix(&x);
}

static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

static uint64_t next64(rng *r)
{
    uint64_t *s = r->s;
    uint64_t res = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return res;
}

/* Uniform in 0..n-1, without modulo bias. */
static uint32_t below(rng *r, uint32_t n)
{
    uint64_t lim = UINT64_MAX - UINT64_MAX % n, x;
    do
        x = next64(r);
    while (x >= lim);
    return (uint32_t)(x % n);
}

static int uni(rng *r, int lo, int hi)
{
    return lo + (int)below(r, (uint32_t)(hi - lo + 1));
}

/* True with probability pm per mille. */
static bool chance(rng *r, int pm) { return (int)below(r, 1000) < pm; }

/* Index drawn with the given non-negative weights (some positive). */
static int pick_w(rng *r, const int *w, int n)
{
    long long sum = 0;
    for (int i = 0; i < n; i++)
        sum += w[i];
    if (sum <= 0)
        return 0;
    long long x = (long long)below(r, (uint32_t)sum);
    for (int i = 0; i < n; i++) {
        if (x < w[i])
            return i;
        x -= w[i];
    }
    return n - 1;
}

/* Running shares: should the next k (of total so far) count as "yes", to
 * keep yes/total at share_pm per mille?  Yes when that brings the count
 * nearer the target (rounding, so a 2% share does not start with a yes). */
static bool behind(long long yes, long long total, int k, int share_pm)
{
    return yes * 1000 + k * 500LL < (total + k) * share_pm;
}

/* The North East coast from Newbiggin to Bridlington (lat, easternmost
 * lon on land), so Teesside homes and carers are not put in the North Sea.
 * Other coasts are not modelled (see docs/GENERATOR.md). */
static const int32_t coast[][2] = {
    {5400000, -17000}, {5428000, -37000}, {5449000, -59000},
    {5456000, -80000}, {5458000, -97000}, {5462000, -105000},
    {5464000, -115000}, {5469000, -118000}, {5478000, -131000},
    {5490000, -136000}, {5500000, -142000}, {5517000, -152000}};
#define NCOAST ((int)(sizeof coast / sizeof coast[0]))

static bool on_land(geo p)
{
    if (p.lat < coast[0][0] || p.lat > coast[NCOAST - 1][0])
        return true;
    int i = 0;
    while (i + 2 < NCOAST && p.lat > coast[i + 1][0])
        i++;
    int64_t dl = coast[i + 1][0] - coast[i][0];
    int64_t lon = coast[i][1] + (int64_t)(coast[i + 1][1] - coast[i][1]) *
                                    (p.lat - coast[i][0]) / dl;
    return p.lon <= lon;
}

/* A point on land in the annulus rmin..rmax milli-miles around c (uniform
 * by area; rejection sampling needs no trigonometry). */
static geo scatter(rng *r, geo c, int rmin, int rmax)
{
    for (int tries = 0; tries < 1000; tries++) {
        int64_t x = uni(r, -rmax, rmax), y = uni(r, -rmax, rmax);
        int64_t d2 = x * x + y * y;
        if (d2 > (int64_t)rmax * rmax || d2 < (int64_t)rmin * rmin)
            continue;
        geo p = offset(c, x, y);
        if (on_land(p))
            return p;
    }
    return c;
}

/* ------------------------------------------------------------------ */
/* Profiles                                                           */
/* ------------------------------------------------------------------ */

typedef struct area_def {
    int32_t lat, lon;
    int weight;
} area_def;

typedef struct profile {
    const char *name, *title;
    int default_n;
    const area_def *areas; /* NULL: one cluster per ~600 children (national) */
    int n_areas;
    int share[NTYPE + 1]; /* per mille of children by current type; last: none */
    int far[NTYPE];       /* per mille of those placed beyond 20 miles      */
    int supply[NTYPE];    /* places per child currently in the type, x1000  */
    int foster_cap[3];    /* per mille of in-house households with 1/2/3 places */
    bool stockton_homes;  /* Stockton's own homes: 4,4,3,3 beds + JV 3x5    */
} profile;

static const area_def stockton_area[] = {{5457000, -131800, 1}};
static const area_def middlesbrough_area[] = {{5457600, -123500, 1}};
/* Stockton, Middlesbrough, Hartlepool, Redcar & Cleveland, Darlington. */
static const area_def tees_areas[] = {{5457000, -131800, 22},
                                      {5457600, -123500, 25},
                                      {5469000, -121000, 17},
                                      {5461000, -107000, 19},
                                      {5452000, -155000, 17}};

/*                    F    K    A   R   J   X   S   L   P  none */
static const profile profiles[] = {
    {"stockton-2023", "Stockton-on-Tees 2023", 587, stockton_area, 1,
     {174, 262, 203, 24, 24, 82, 40, 20, 10, 161},
     {10, 40, 80, 0, 0, 380, 20, 0, 300},
     {1500, 0, 1550, 0, 0, 1350, 1500, 1300, 1400},
     {800, 163, 37}, true},
    {"middlesbrough-2020", "Middlesbrough 2020", 683, middlesbrough_area, 1,
     {259, 309, 225, 30, 0, 70, 30, 10, 7, 60},
     {50, 110, 320, 0, 0, 750, 100, 0, 400},
     {1480, 0, 1250, 1150, 0, 1300, 1400, 1300, 1300},
     {500, 310, 190}, false},
    {"regional", "Tees Valley (five boroughs pooled)", 3000, tees_areas, 5,
     {200, 270, 210, 30, 10, 80, 40, 15, 10, 135},
     {20, 60, 150, 0, 0, 500, 50, 0, 300},
     {1500, 0, 1550, 1150, 1150, 1350, 1500, 1300, 1400},
     {650, 250, 100}, false},
    {"national", "England (stress test)", 20000, NULL, 0,
     {250, 200, 230, 25, 10, 90, 55, 15, 10, 115},
     {40, 110, 270, 0, 0, 700, 100, 0, 400},
     {1350, 0, 1400, 1150, 1150, 1300, 1400, 1300, 1400},
     {650, 250, 100}, false},
};
#define NPROFILE ((int)(sizeof profiles / sizeof profiles[0]))

static const char *const profile_names[NPROFILE + 1] = {
    "stockton-2023", "middlesbrough-2020", "regional", "national", NULL};

/* Share of children (per mille) in sibling groups of 1..6: base gives 71%
 * with a sibling in care and 16% in groups of four or more (FACTS.md). */
static const int group_share[2][6] = {{290, 300, 250, 90, 50, 20},
                                      {180, 260, 240, 150, 100, 70}};

/* Age band mix (per mille) by current type: F, K, A from Stockton's table
 * (FACTS.md); the rest assumed (homes 7-17, semi-independence 16+). */
static const int band_mix[NTYPE + 1][4] = {
    {216, 265, 314, 205}, {149, 364, 351, 136}, {84, 353, 319, 244},
    {0, 100, 600, 300},   {0, 100, 600, 300},   {0, 80, 600, 320},
    {0, 0, 0, 1000},      {0, 0, 0, 1000},      {0, 0, 400, 600},
    {310, 250, 280, 160}};

/* Youngest age a type takes (so sibling ages stay placeable). */
static const int type_min_age[NTYPE + 1] = {0, 0, 0, 7, 7, 8, 16, 16, 14, 0};

/* Chance (per mille) that children in a placement of the type stay put:
 * kin and foster placements are the stable ones, external homes the least
 * (FACTS.md, Stability).  Gives about a third of children pinned. */
static const int stay_pm[NTYPE] = {380, 440, 380, 330, 330, 220, 250, 250, 100};

/* ------------------------------------------------------------------ */
/* Needs                                                              */
/* ------------------------------------------------------------------ */

/* Prevalence (per mille) by age band.  Trauma 60% and SEND 42% (27% SEN
 * support + 15% EHCP) are FACTS.md; the rest are assumptions. */
static const int need_prev[NNEED][4] = {
    {420, 580, 610, 560}, {200, 480, 480, 380}, {60, 80, 80, 60},
    {0, 250, 400, 350},   {0, 80, 250, 300},    {0, 0, 100, 200},
    {0, 0, 120, 150}};

enum { C_FAMILY, C_RESI, C_SEMI, C_NONE, NCLASS };

/* Prevalence multiplier (x1000) by class: children in homes have more. */
static const int need_mult[NCLASS][NNEED] = {
    {1000, 1000, 1000, 1000, 1000, 1000, 1000},
    {1300, 1100, 1300, 1800, 1600, 1600, 1700},
    {1000, 900, 600, 1000, 1100, 1200, 1200},
    {1000, 1000, 1000, 1000, 1000, 1000, 1000}};

/* Per mille at level 1 and at level 2 (the rest is level 3) by class.
 * SEND level 1 = SEN support, 2-3 = EHCP (27:15 in FACTS.md). */
static const int need_lv[NCLASS][NNEED][2] = {
    {{500, 420}, {640, 300}, {600, 350}, {650, 320}, {700, 280}, {800, 200},
     {750, 250}},
    {{150, 450}, {500, 350}, {500, 350}, {200, 450}, {300, 450}, {400, 450},
     {300, 450}},
    {{600, 400}, {600, 400}, {600, 400}, {600, 400}, {600, 400}, {600, 400},
     {600, 400}},
    {{450, 400}, {600, 300}, {550, 350}, {550, 350}, {550, 350}, {600, 300},
     {550, 350}}};

/* Level a placement of each type supports: per mille at levels 0,1,2,3.
 * K is built from its named children; X also has specialist homes. */
static const int sup_tab[NTYPE][NNEED][4] = {
    /* F */ {{0, 150, 650, 200}, {50, 400, 450, 100}, {400, 300, 250, 50},
             {50, 350, 580, 20}, {250, 400, 350, 0}, {550, 350, 100, 0},
             {550, 350, 100, 0}},
    /* K */ {{0}},
    /* A */ {{0, 0, 450, 550}, {0, 250, 500, 250}, {250, 300, 300, 150},
             {0, 150, 770, 80}, {100, 350, 500, 50}, {250, 450, 300, 0},
             {200, 450, 350, 0}},
    /* R */ {{0, 0, 0, 1000}, {0, 0, 700, 300}, {0, 500, 500, 0},
             {0, 0, 0, 1000}, {0, 0, 500, 500}, {0, 0, 500, 500},
             {0, 0, 400, 600}},
    /* J */ {{0, 0, 0, 1000}, {0, 0, 700, 300}, {0, 500, 500, 0},
             {0, 0, 0, 1000}, {0, 0, 500, 500}, {0, 0, 500, 500},
             {0, 0, 300, 700}},
    /* X */ {{0, 0, 0, 1000}, {0, 0, 600, 400}, {0, 500, 500, 0},
             {0, 0, 0, 1000}, {0, 0, 400, 600}, {0, 0, 400, 600},
             {0, 0, 300, 700}},
    /* S */ {{0, 0, 800, 200}, {100, 300, 600, 0}, {300, 400, 300, 0},
             {0, 200, 700, 100}, {0, 200, 700, 100}, {0, 200, 700, 100},
             {0, 200, 700, 100}},
    /* L */ {{0, 200, 800, 0}, {100, 400, 500, 0}, {500, 300, 200, 0},
             {100, 300, 600, 0}, {100, 300, 600, 0}, {200, 300, 500, 0},
             {200, 300, 500, 0}},
    /* P */ {{0, 0, 700, 300}, {100, 300, 600, 0}, {300, 400, 300, 0},
             {100, 300, 600, 0}, {0, 200, 600, 200}, {0, 300, 700, 0},
             {0, 300, 700, 0}}};

static int need_class(int type)
{
    if (type == T_NONE)
        return C_NONE;
    if (TM(type) & FAMILY_TYPES)
        return C_FAMILY;
    if (TM(type) & RESI_TYPES)
        return C_RESI;
    return C_SEMI;
}

/* ------------------------------------------------------------------ */
/* Generator state                                                    */
/* ------------------------------------------------------------------ */

typedef struct place {
    geo at;
    int type, cap, sib, age_min, age_max, cost, used;
    int sexes; /* bit 1 = F, bit 2 = M; 3 = both (written as absent) */
    uint8_t sup[NNEED];
    int res_start, res_n; /* reserved_for: g->res[res_start..+res_n) */
    bool unlocked;        /* holds two of one sibling group already */
} place;

typedef struct child {
    geo home;
    int age, group, pool, cur, max_miles, navoid, avoid[2];
    char sex;
    uint8_t need[NNEED];
    unsigned types; /* allowed types bitmask; 0 = no restriction */
    bool stay;
} child;

/* A set of siblings (or a single child) meant to share one placement:
 * children first..first+size-1 and the type drawn for them. */
typedef struct unit {
    int first, size, type;
    uint64_t key; /* random order among units of one size */
} unit;

typedef struct pool {
    int a0, na;          /* areas[a0 .. a0+na) */
    int nfar;            /* distant sites (towns) and their weights */
    int far_town[NTOWN], far_w[NTOWN];
    int n0;              /* children expected here (sizes the supply) */
    int range[NTYPE][2]; /* supply placements of each type: [start,end) */
} pool;

typedef struct gen {
    const profile *pf;
    int variant, n0, n;
    unsigned long long seed;
    pool *pools;
    int npools;
    area_def *areas;
    int nareas;
    place *pl;
    int npl, cappl;
    child *ch;
    int *res;
    int nres, capres;
    int *gstart, *gsize; /* sibling groups (size >= 2): first child, size */
    int ngroups;
    unit *units;
    int nunits, capunits;
    int *cand; /* candidate buffer, npl entries */
    int quota[NTYPE + 1];          /* children still to draw for each type */
    int fit[NTYPE + 1][7];         /* see compute_fit                      */
    int far_n[NTYPE], far_tot[NTYPE]; /* running far share by type         */
    int spec_n, x_n;               /* specialist external homes so far     */
    rng r;
} gen;

static void gen_free(gen *g)
{
    free(g->pools);
    free(g->areas);
    free(g->pl);
    free(g->ch);
    free(g->res);
    free(g->gstart);
    free(g->gsize);
    free(g->units);
    free(g->cand);
}

/* Grows an array to hold one more element; false when out of memory. */
static bool grow(void **arr, int *cap, int need, size_t elem)
{
    if (need <= *cap)
        return true;
    int nc = *cap ? *cap * 2 : 256;
    while (nc < need)
        nc *= 2;
    void *p = realloc(*arr, (size_t)nc * elem);
    if (!p)
        return false;
    *arr = p;
    *cap = nc;
    return true;
}

static place *new_place(gen *g, int type)
{
    if (!grow((void **)&g->pl, &g->cappl, g->npl + 1, sizeof *g->pl))
        return NULL;
    place *p = &g->pl[g->npl++];
    memset(p, 0, sizeof *p);
    p->type = type;
    p->sexes = 3;
    p->age_max = 17;
    return p;
}

/* ------------------------------------------------------------------ */
/* World: areas, pools, distant sites                                 */
/* ------------------------------------------------------------------ */

/* Distant sites for a pool: towns 24-90 miles from every one of its areas,
 * weighted towards the nearer ones (most out-of-area placements are in
 * the neighbouring regions, not across the country). */
static void find_far_towns(gen *g, pool *po)
{
    po->nfar = 0;
    for (int t = 0; t < NTOWN; t++) {
        geo tg = {towns[t].lat, towns[t].lon};
        int64_t dmin = INT64_MAX;
        for (int a = po->a0; a < po->a0 + po->na; a++) {
            geo ag = {g->areas[a].lat, g->areas[a].lon};
            int64_t d = dist_mm(tg, ag);
            dmin = d < dmin ? d : dmin;
        }
        if (dmin >= 24000 && dmin <= 90000) {
            po->far_town[po->nfar] = t;
            po->far_w[po->nfar++] = (int)(100000000 / dmin);
        }
    }
}

/* National: one area (a council) per ~600 children, visiting the towns
 * with a stride (17 is prime to 54), so even a few areas spread across
 * England; a second lap shifts each by 8 miles in a fixed direction. */
static const int dir8[8][2] = {{1000, 0}, {0, 1000},  {-1000, 0}, {0, -1000},
                               {707, 707}, {-707, 707}, {-707, -707},
                               {707, -707}};

static bool setup_world(gen *g)
{
    const profile *pf = g->pf;
    int npools = pf->areas ? 1 : (g->n0 + 300) / 600;
    if (npools < 1)
        npools = 1;
    g->nareas = pf->areas ? pf->n_areas : npools;
    g->npools = npools;
    g->areas = calloc((size_t)g->nareas, sizeof *g->areas);
    g->pools = calloc((size_t)npools, sizeof *g->pools);
    if (!g->areas || !g->pools)
        return false;
    for (int a = 0; a < g->nareas; a++) {
        if (pf->areas) {
            g->areas[a] = pf->areas[a];
            continue;
        }
        const town *t = &towns[a * 17 % NTOWN_LA];
        int lap = a / NTOWN_LA;
        geo c = {t->lat, t->lon};
        if (lap > 0)
            c = offset(c, 8LL * dir8[lap % 8][0] * ((lap + 7) / 8),
                       8LL * dir8[lap % 8][1] * ((lap + 7) / 8));
        g->areas[a] = (area_def){c.lat, c.lon, 1};
    }
    for (int k = 0; k < npools; k++) {
        pool *po = &g->pools[k];
        po->a0 = pf->areas ? 0 : k;
        po->na = pf->areas ? pf->n_areas : 1;
        po->n0 = (int)((long long)g->n0 * (k + 1) / npools -
                       (long long)g->n0 * k / npools);
        find_far_towns(g, po);
    }
    return true;
}

/* A local point: around one of the pool's areas (chosen by weight). */
static geo local_point(gen *g, const pool *po, int rmin, int rmax)
{
    int w[8] = {0}, na = po->na < 8 ? po->na : 8;
    for (int i = 0; i < na; i++)
        w[i] = g->areas[po->a0 + i].weight;
    const area_def *a = &g->areas[po->a0 + pick_w(&g->r, w, na)];
    geo c = {a->lat, a->lon};
    return scatter(&g->r, c, rmin, rmax);
}

/* A distant point: near a town 24-90 miles away (or, where the table has
 * none, 24-60 miles out in some direction). */
static geo far_point(gen *g, const pool *po)
{
    if (po->nfar == 0) {
        const area_def *a = &g->areas[po->a0];
        geo c = {a->lat, a->lon};
        return scatter(&g->r, c, 24000, 60000);
    }
    const town *t = &towns[po->far_town[pick_w(&g->r, po->far_w, po->nfar)]];
    geo c = {t->lat, t->lon};
    return scatter(&g->r, c, 0, 3000);
}

/* Homes of children: most within 5 miles of the centre, nearly all within
 * 8, a few out to 12. */
static geo home_point(gen *g, const pool *po)
{
    int k = (int)below(&g->r, 100);
    if (k < 75)
        return local_point(g, po, 0, 5000);
    if (k < 95)
        return local_point(g, po, 5000, 8000);
    return local_point(g, po, 8000, 12000);
}

/* ------------------------------------------------------------------ */
/* Supply                                                             */
/* ------------------------------------------------------------------ */

static int draw_level(rng *r, const int pm[4]) { return pick_w(r, pm, 4); }

/* Capacity, age range, sexes, supports and weekly cost of a placement.
 * Costs are FACTS.md's Stockton averages and ranges where published;
 * the others are assumptions (see docs/GENERATOR.md). */
static void place_attrs(gen *g, place *p)
{
    rng *r = &g->r;
    for (int n = 0; n < NNEED; n++)
        p->sup[n] = (uint8_t)draw_level(r, sup_tab[p->type][n]);
    switch (p->type) {
    case T_F: {
        p->cap = 1 + pick_w(r, g->pf->foster_cap, 3);
        p->sib = p->cap >= 2 && chance(r, 80) ? 1 : 0;
        static const int amin[4] = {0, 0, 5, 11}, amax[4] = {17, 10, 17, 17};
        static const int aw[4] = {600, 150, 150, 100};
        int k = pick_w(r, aw, 4);
        p->age_min = amin[k];
        p->age_max = amax[k];
        p->cost = chance(r, 750) ? uni(r, 265, 300) : uni(r, 300, 427);
        break;
    }
    case T_A: {
        static const int cw[4] = {400, 350, 200, 50};
        p->cap = 1 + pick_w(r, cw, 4);
        p->sib = p->cap >= 3 && chance(r, 100) ? 1 : 0;
        static const int amin[3] = {0, 5, 11}, aw[3] = {700, 150, 150};
        p->age_min = amin[pick_w(r, aw, 3)];
        p->cost = chance(r, 870) ? uni(r, 624, 820) : uni(r, 820, 1673);
        break;
    }
    case T_R:
    case T_J:
        p->cap = p->type == T_J ? 5 : uni(r, 3, 5);
        p->age_min = 7;
        p->cost = p->type == T_J ? uni(r, 2600, 3000) : uni(r, 1650, 1960);
        break;
    case T_X: {
        p->cap = uni(r, 2, 4);
        static const int amin[3] = {8, 10, 11}, aw[3] = {400, 200, 400};
        p->age_min = amin[pick_w(r, aw, 3)];
        static const int sw[3] = {700, 150, 150}, sx[3] = {3, 1, 2};
        p->sexes = sx[pick_w(r, sw, 3)];
        /* one home in 12.5 is specialist (complex disability / mental
         * health): a running count, so small estates still get their share */
        bool spec = behind(g->spec_n, g->x_n, 1, 80);
        g->x_n++;
        g->spec_n += spec;
        if (spec) {
            p->sup[N_DISAB] = p->sup[N_MH] = p->sup[N_SEND] = 3;
            p->age_min = 6;
            p->cost = uni(r, 4700, 10460);
        } else {
            p->cost = uni(r, 2092, 4700);
        }
        break;
    }
    case T_S:
        p->cap = uni(r, 4, 11);
        p->age_min = 16;
        p->age_max = 25;
        p->sexes = chance(r, 150) ? 1 : 3;
        p->cost = uni(r, 900, 1500);
        break;
    case T_L:
        p->cap = uni(r, 1, 2);
        p->age_min = 16;
        p->age_max = 25;
        p->cost = uni(r, 250, 400);
        break;
    case T_P:
        p->cap = 1;
        p->age_min = 14;
        p->age_max = 25;
        p->sexes = chance(r, 850) ? 1 : 3;
        p->cost = uni(r, 1200, 2500);
        break;
    default:
        break;
    }
}

/* Local spread by type: homes and schemes sit in the borough, households
 * across it, external homes over the wider county. */
static int local_radius(int type)
{
    switch (type) {
    case T_R: case T_J: return 5000;
    case T_S: case T_L: return 6000;
    case T_X: return 15000;
    default: return 9000;
    }
}

/* Stockton's published estate (FACTS.md, Capacity): four in-house homes of
 * 4, 4, 3, 3 beds and three joint-venture homes of 5 beds, ages 7-17. */
static bool stockton_homes(gen *g, const pool *po, int type)
{
    static const int beds[4] = {4, 4, 3, 3};
    int count = type == T_R ? 4 : 3;
    for (int i = 0; i < count; i++) {
        place *p = new_place(g, type);
        if (!p)
            return false;
        place_attrs(g, p);
        p->cap = type == T_R ? beds[i] : 5;
        p->at = local_point(g, po, 0, 4000);
    }
    return true;
}

/* Placements of one type for one pool, until their places reach the
 * profile's multiple of expected demand.  A deterministic running share of
 * the places (the profile's far share) sits at distant sites. */
static bool supply_type(gen *g, const pool *po, int type)
{
    const profile *pf = g->pf;
    if (pf->stockton_homes && (type == T_R || type == T_J))
        return stockton_homes(g, po, type);
    long long want = (long long)po->n0 * pf->share[type] * pf->supply[type];
    int target = (int)((want + 999999) / 1000000);
    int places = 0, far_places = 0;
    while (places < target) {
        place *p = new_place(g, type);
        if (!p)
            return false;
        place_attrs(g, p);
        bool far = behind(far_places, places, p->cap, pf->far[type]);
        p->at = far ? far_point(g, po)
                    : local_point(g, po, 0, local_radius(type));
        places += p->cap;
        far_places += far ? p->cap : 0;
    }
    return true;
}

static bool gen_supply(gen *g)
{
    for (int k = 0; k < g->npools; k++) {
        pool *po = &g->pools[k];
        for (int t = 0; t < NTYPE; t++) {
            po->range[t][0] = g->npl;
            if (t != T_K && !supply_type(g, po, t))
                return false;
            po->range[t][1] = g->npl;
        }
    }
    return true;
}

/* ------------------------------------------------------------------ */
/* Children                                                           */
/* ------------------------------------------------------------------ */

/* Most children in a children's home are there for a need that family
 * care cannot meet at level 3 (behaviour, mental health, exploitation,
 * substance misuse: foster carers rarely support these at level 3).
 * Without this the optimum would move nearly every child out of external
 * residential into IFA care, which is not what councils find. */
static void residential_reason(gen *g, child *c)
{
    static const int which[4] = {N_BEHAV, N_MH, N_EXPL, N_SUBST};
    static const int w_teen[4] = {450, 250, 200, 100}, w_young[4] = {650, 350, 0, 0};
    for (int k = 0; k < 4; k++)
        if (c->need[which[k]] == 3)
            return;
    if (chance(&g->r, 850))
        c->need[which[pick_w(&g->r, c->age >= 11 ? w_teen : w_young, 4)]] = 3;
}

/* Draws the needs of one child from its age band and the class of the
 * placement type it is (or will be) in. */
static void draw_needs(gen *g, child *c, int type)
{
    int band = c->age <= 4 ? 0 : c->age <= 10 ? 1 : c->age <= 15 ? 2 : 3;
    int cls = need_class(type);
    for (int n = 0; n < NNEED; n++) {
        int prev = need_prev[n][band] * need_mult[cls][n] / 1000;
        if (prev > 950)
            prev = 950;
        c->need[n] = 0;
        if (!chance(&g->r, prev))
            continue;
        int x = (int)below(&g->r, 1000);
        const int *lv = need_lv[cls][n];
        c->need[n] = (uint8_t)(x < lv[0] ? 1 : x < lv[0] + lv[1] ? 2 : 3);
    }
    if (cls == C_RESI)
        residential_reason(g, c);
}

/* Age from the type's band mix; "older" shifts weight to 11-17.  Ages
 * below what the type takes (a 5-year-old in a home for 7-17) are drawn
 * again. */
static int draw_age(gen *g, int type)
{
    int w[4], a = 0;
    for (int b = 0; b < 4; b++) {
        w[b] = band_mix[type][b];
        if (g->variant == V_OLDER)
            w[b] = w[b] * (b < 2 ? 1 : 3);
    }
    for (int tries = 0; tries < 20; tries++) {
        int b = pick_w(&g->r, w, 4);
        a = uni(&g->r, band_lo[b], band_hi[b]);
        if (a >= type_min_age[type])
            break;
    }
    return a < type_min_age[type] ? type_min_age[type] : a;
}

/* A sibling's age: from the type's age mix too (so the mix holds), within
 * seven years of the first child's. */
static int sibling_age(gen *g, int first, int type)
{
    for (int tries = 0; tries < 12; tries++) {
        int a = draw_age(g, type);
        if (a >= first - 7 && a <= first + 7)
            return a;
    }
    return first;
}

/* Can a unit of u siblings live in a placement of type t?  Semi-
 * independence and parent-and-child take one young person, children's
 * homes at most two siblings. */
static bool type_fits(int t, int u)
{
    if (u > 1 && (t == T_S || t == T_L || t == T_P))
        return false;
    return u <= 2 || !(TM(t) & RESI_TYPES);
}

/* Type for a unit of u siblings, drawn from what is left of each type's
 * quota of children (the profile's share of n), so the shares come out
 * close to the profile's whatever the sibling structure.  Each weight is
 * scaled by the share of the type's places in placements big enough for
 * the unit, so large groups go where there is room for them (kin, IFA)
 * and small foster households are left for single children. */
static int draw_type(gen *g, int u)
{
    long long w[NTYPE + 1];
    int wi[NTYPE + 1];
    bool any = false;
    for (int t = 0; t <= NTYPE; t++) {
        w[t] = type_fits(t, u) && g->quota[t] > 0
                   ? (long long)g->quota[t] * g->fit[t][u < 6 ? u : 6]
                   : 0;
        any |= w[t] > 0;
    }
    for (int t = 0; t <= NTYPE; t++) {
        if (!any) /* this unit's possible types are used up */
            w[t] = type_fits(t, u) ? g->pf->share[t] : 0;
        wi[t] = (int)(w[t] / 16 + (w[t] > 0));
    }
    int t = pick_w(&g->r, wi, NTYPE + 1);
    g->quota[t] -= u;
    return t;
}

/* fit[t][u]: per mille of type t's places in placements of capacity
 * >= u (1000 for kin, made to measure, and for "no placement"). */
static void compute_fit(gen *g)
{
    long long tot[NTYPE] = {0}, ge[NTYPE][7] = {{0}};
    for (int i = 0; i < g->npl; i++) {
        const place *p = &g->pl[i];
        tot[p->type] += p->cap;
        for (int u = 1; u <= 6; u++)
            if (p->cap >= u)
                ge[p->type][u] += p->cap;
    }
    for (int u = 1; u <= 6; u++) {
        for (int t = 0; t < NTYPE; t++)
            g->fit[t][u] = tot[t] ? (int)(ge[t][u] * 1000 / tot[t]) : 0;
        g->fit[T_K][u] = g->fit[T_NONE][u] = 1000;
    }
}

static bool add_unit(gen *g, int first, int size)
{
    if (!grow((void **)&g->units, &g->capunits, g->nunits + 1,
              sizeof *g->units))
        return false;
    g->units[g->nunits++] = (unit){first, size, T_NONE, next64(&g->r)};
    return true;
}

/* Splits a sibling group into units that currently live together: most
 * pairs together, large groups more often apart (an assumption). */
static bool group_units(gen *g, int first, int size)
{
    int together = size == 1 ? 1000 : size == 2 ? 800 : size == 3 ? 600 : 350;
    if (chance(&g->r, together))
        return add_unit(g, first, size);
    int done = 0;
    while (done < size) {
        /* chunks of 1-3; the first leaves at least one sibling out */
        int rest = size - done, most = done == 0 ? rest - 1 : rest;
        int u = uni(&g->r, 1, most < 3 ? most : 3);
        if (!add_unit(g, first + done, u))
            return false;
        done += u;
    }
    return true;
}

/* Fills the unit's children: ages, sex, needs (home, pool and group are
 * the family's, set before). */
static void fill_unit(gen *g, const unit *un)
{
    int a0 = draw_age(g, un->type);
    for (int i = 0; i < un->size; i++) {
        child *c = &g->ch[un->first + i];
        c->age = i == 0 ? a0 : sibling_age(g, a0, un->type);
        c->sex = chance(&g->r, un->type == T_P ? 150 : 540) ? 'M' : 'F';
        draw_needs(g, c, un->type);
    }
}

/* Number of groups of each size, in a random order. */
static int *group_sizes(gen *g, int *count)
{
    const int *sh = group_share[g->variant == V_SIBLINGS];
    int ng[7] = {0}, in_groups = 0, total = 0;
    for (int s = 2; s <= 6; s++) {
        ng[s] = (int)(((long long)g->n * sh[s - 1] * 2 + 1000LL * s) /
                      (2000LL * s));
        while (ng[s] > 0 && in_groups + ng[s] * s > g->n)
            ng[s]--;
        in_groups += ng[s] * s;
    }
    ng[1] = g->n - in_groups;
    for (int s = 1; s <= 6; s++)
        total += ng[s];
    int *sizes = malloc((size_t)(total > 0 ? total : 1) * sizeof *sizes), k = 0;
    if (!sizes)
        return NULL;
    for (int s = 1; s <= 6; s++)
        for (int i = 0; i < ng[s]; i++)
            sizes[k++] = s;
    for (int i = total - 1; i > 0; i--) { /* Fisher-Yates */
        int j = (int)below(&g->r, (uint32_t)i + 1), t = sizes[i];
        sizes[i] = sizes[j];
        sizes[j] = t;
    }
    *count = total;
    return sizes;
}

/* Families in random order, each with one home; each pool (council) takes
 * its quota of children in turn, so a pool's children are contiguous. */
static bool gen_families(gen *g)
{
    int ngr = 0, *sizes = group_sizes(g, &ngr);
    g->ch = calloc((size_t)g->n, sizeof *g->ch);
    g->gstart = malloc((size_t)(ngr + 1) * sizeof *g->gstart);
    g->gsize = malloc((size_t)(ngr + 1) * sizeof *g->gsize);
    bool ok = sizes && g->ch && g->gstart && g->gsize;
    int next = 0, pool = 0;
    for (int i = 0; ok && i < ngr; i++) {
        while (pool + 1 < g->npools &&
               next >= (long long)g->n * (pool + 1) / g->npools)
            pool++;
        int s = sizes[i], group = -1;
        if (s >= 2) {
            group = g->ngroups++;
            g->gstart[group] = next;
            g->gsize[group] = s;
        }
        geo home = home_point(g, &g->pools[pool]);
        for (int k = next; k < next + s; k++)
            g->ch[k] = (child){.home = home, .group = group, .pool = pool,
                               .cur = -1};
        ok = group_units(g, next, s);
        next += s;
    }
    free(sizes);
    return ok;
}

/* Largest units first, the rest in random order. */
static int unit_cmp_random(const void *a, const void *b)
{
    const unit *x = a, *y = b;
    if (x->size != y->size)
        return y->size - x->size;
    return x->key < y->key ? -1 : x->key > y->key;
}

/* Children: families, then a current type for every unit (largest units
 * first, so the types only one young person can take are left for the
 * single children), then ages, sex and needs to suit the type. */
static bool gen_children(gen *g)
{
    if (!gen_families(g))
        return false;
    compute_fit(g);
    for (int t = 0; t <= NTYPE; t++)
        g->quota[t] = (int)(((long long)g->n * g->pf->share[t] + 500) / 1000);
    qsort(g->units, (size_t)g->nunits, sizeof *g->units, unit_cmp_random);
    for (int i = 0; i < g->nunits; i++)
        g->units[i].type = draw_type(g, g->units[i].size);
    for (int i = 0; i < g->nunits; i++)
        fill_unit(g, &g->units[i]);
    return true;
}

/* ------------------------------------------------------------------ */
/* Current placements                                                 */
/* ------------------------------------------------------------------ */

/* Room for u more children under MODEL.md's capacity rule: sibling-only
 * places open only to two or more of one group. */
static bool has_room(const place *p, int u)
{
    if (p->used + u > p->cap)
        return false;
    return p->sib == 0 || u >= 2 || p->unlocked ||
           p->used + u <= p->cap - p->sib;
}

/* MODEL.md compatibility rules 1-3 (types, max_miles and reserved_for are
 * only set later, consistently with the placement chosen here). */
static bool compatible(const child *c, const place *p, bool needs)
{
    if (c->age < p->age_min || c->age > p->age_max)
        return false;
    if (!(p->sexes & (c->sex == 'F' ? 1 : 2)))
        return false;
    for (int n = 0; needs && n < NNEED; n++)
        if (p->sup[n] < c->need[n])
            return false;
    return true;
}

/* Near means well inside 20 miles, far well beyond, so the solver's
 * haversine agrees with the generator's integer geometry. */
static bool distance_ok(geo home, geo at, bool far)
{
    int64_t d = dist_mm(home, at);
    return far ? d > 20500 : d < 19500;
}

static void occupy(gen *g, int pi, int first, int u)
{
    place *p = &g->pl[pi];
    p->used += u;
    if (u >= 2)
        p->unlocked = true;
    for (int i = 0; i < u; i++)
        g->ch[first + i].cur = pi;
}

/* Can the unit's children go to p?  With strict false their needs are
 * not checked (see place_unit). */
static bool unit_fits(const gen *g, const place *p, int first, int u,
                      bool strict)
{
    if (!has_room(p, u))
        return false;
    for (int i = 0; i < u; i++) {
        const child *c = &g->ch[first + i];
        if (!compatible(c, p, strict))
            return false;
    }
    return true;
}

/* A placement of the type with room for the unit: uniform among distant
 * candidates; for near ones, the closer of two random candidates (most
 * children are placed close to home). */
static int find_place(gen *g, int first, int u, int type, bool far,
                      bool strict)
{
    const child *c0 = &g->ch[first];
    const pool *po = &g->pools[c0->pool];
    int nc = 0;
    for (int pi = po->range[type][0]; pi < po->range[type][1]; pi++)
        if (distance_ok(c0->home, g->pl[pi].at, far) &&
            unit_fits(g, &g->pl[pi], first, u, strict))
            g->cand[nc++] = pi;
    if (nc == 0)
        return -1;
    int a = g->cand[below(&g->r, (uint32_t)nc)];
    if (far)
        return a;
    int b = g->cand[below(&g->r, (uint32_t)nc)];
    return dist_mm(c0->home, g->pl[b].at) < dist_mm(c0->home, g->pl[a].at) ? b
                                                                          : a;
}

/* Looks for a placement of the type, near or far as asked: first one that
 * meets every need; else one that meets the age and sex rules, and the
 * children's needs are lowered to what it supports.  The second pass
 * stands for "the placement meets the assessed needs, that is why the
 * child is there"; it keeps type shares and distances calibrated, at the
 * price of making needs depend a little on supply. */
static int place_unit(gen *g, int first, int u, int type, bool far)
{
    int pi = find_place(g, first, u, type, far, true);
    if (pi < 0) {
        pi = find_place(g, first, u, type, far, false);
        for (int i = 0; pi >= 0 && i < u; i++) {
            child *c = &g->ch[first + i];
            for (int n = 0; n < NNEED; n++)
                if (c->need[n] > g->pl[pi].sup[n])
                    c->need[n] = g->pl[pi].sup[n];
        }
    }
    return pi;
}

/* Supports of a kin carer: what its named children need. */
static void kin_supports(gen *g, place *p)
{
    for (int i = 0; i < p->res_n; i++) {
        const child *c = &g->ch[g->res[p->res_start + i]];
        for (int n = 0; n < NNEED; n++)
            if (c->need[n] > p->sup[n])
                p->sup[n] = c->need[n];
    }
}

/* A connected carer approved for the unit (and sometimes one more sibling
 * of the group living elsewhere); relatives mostly live nearby. */
static int make_kin(gen *g, int first, int u, bool far)
{
    const child *c0 = &g->ch[first];
    int extra = -1;
    if (c0->group >= 0 && g->gsize[c0->group] > u && chance(&g->r, 300)) {
        int gs = g->gstart[c0->group], gn = g->gsize[c0->group];
        int k = gs + (int)below(&g->r, (uint32_t)gn);
        if (k < first || k >= first + u) /* not one of the unit */
            extra = k;
    }
    int n = u + (extra >= 0);
    if (!grow((void **)&g->res, &g->capres, g->nres + n, sizeof *g->res))
        return -1;
    place *p = new_place(g, T_K);
    if (!p)
        return -1;
    p->res_start = g->nres;
    p->res_n = n;
    for (int i = 0; i < u; i++)
        g->res[g->nres++] = first + i;
    if (extra >= 0)
        g->res[g->nres++] = extra;
    p->cap = n;
    p->cost = uni(&g->r, 200, 300);
    kin_supports(g, p);
    p->at = scatter(&g->r, c0->home, 300, 6000);
    for (int tries = 0; far && tries < 10; tries++) {
        geo at = far_point(g, &g->pools[c0->pool]);
        if (distance_ok(c0->home, at, true)) {
            p->at = at;
            break;
        }
    }
    return (int)(p - g->pl);
}

/* Other types tried when the drawn one has no suitable room. */
static const int fallback[NTYPE][3] = {
    {T_A, -1, -1}, {-1, -1, -1}, {T_F, -1, -1}, {T_J, T_X, -1},
    {T_R, T_X, -1}, {T_R, T_J, T_A}, {T_L, -1, -1}, {T_S, -1, -1},
    {T_S, T_F, -1}};

/* Near or far for a unit of the type: a running share per type, so even
 * a small borough gets the profile's far share. */
static bool draw_far(gen *g, int type, int u)
{
    bool far = behind(g->far_n[type], g->far_tot[type], u, g->pf->far[type]);
    g->far_tot[type] += u;
    g->far_n[type] += far ? u : 0;
    return far;
}

/* Places a unit: the drawn type first (near or far as drawn, then the
 * other), then the fallbacks; a unit that fits nowhere is split, and a
 * single child that fits nowhere has no current placement (awaiting one). */
static bool assign_unit(gen *g, int first, int u, int type)
{
    if (type == T_NONE)
        return true;
    bool far = draw_far(g, type, u);
    if (type == T_K) {
        int pi = make_kin(g, first, u, far);
        if (pi < 0)
            return false;
        occupy(g, pi, first, u);
        return true;
    }
    int order[4] = {type, fallback[type][0], fallback[type][1],
                    fallback[type][2]};
    for (int k = 0; k < 4 && order[k] >= 0; k++)
        for (int f = 0; f < 2; f++) {
            int pi = place_unit(g, first, u, order[k], f ? !far : far);
            if (pi >= 0) {
                occupy(g, pi, first, u);
                return true;
            }
        }
    if (u == 1)
        return true;
    return assign_unit(g, first, u - 1, type) &&
           assign_unit(g, first + u - 1, 1, type);
}

/* Largest units first, so sibling groups get the bigger households. */
static int unit_cmp(const void *a, const void *b)
{
    const unit *x = a, *y = b;
    if (x->size != y->size)
        return y->size - x->size;
    return x->first - y->first;
}

static bool assign_all(gen *g)
{
    g->cand = malloc((size_t)(g->npl > 0 ? g->npl : 1) * sizeof *g->cand);
    if (!g->cand)
        return false;
    qsort(g->units, (size_t)g->nunits, sizeof *g->units, unit_cmp);
    for (int i = 0; i < g->nunits; i++) {
        const unit *un = &g->units[i];
        if (!assign_unit(g, un->first, un->size, un->type))
            return false;
    }
    return true;
}

/* A few more kin approvals for children living elsewhere or awaiting a
 * placement: options the solver may use (connected persons carers are
 * approved for named children, FACTS.md). */
static bool extra_kin(gen *g)
{
    for (int i = 0; i < g->nunits; i++) {
        const unit *un = &g->units[i];
        if (un->type == T_K || !chance(&g->r, 40))
            continue;
        if (make_kin(g, un->first, un->size, chance(&g->r, 100)) < 0)
            return false;
    }
    return true;
}

/* ------------------------------------------------------------------ */
/* Stability, care-plan restrictions, conflicts                       */
/* ------------------------------------------------------------------ */

/* An earlier member of c's group at the same placement, or -1. */
static int sibling_here(const gen *g, int ci)
{
    const child *c = &g->ch[ci];
    if (c->group < 0)
        return -1;
    for (int j = g->gstart[c->group]; j < ci; j++)
        if (g->ch[j].cur == c->cur)
            return j;
    return -1;
}

/* Pins about a third of children (siblings living together decide
 * together).  Pinned children are a subset of a feasible assignment, so
 * capacity and conflicts hold; the one rule a subset can break is the
 * sibling-only one, which is repaired by unpinning singles. */
static bool choose_stay(gen *g)
{
    int *cnt = calloc((size_t)g->npl, sizeof *cnt);
    bool *pair = calloc((size_t)g->npl, sizeof *pair);
    if (!cnt || !pair) {
        free(cnt);
        free(pair);
        return false;
    }
    for (int i = 0; i < g->n; i++) {
        child *c = &g->ch[i];
        if (c->cur < 0)
            continue;
        int s = sibling_here(g, i);
        c->stay = s >= 0 ? g->ch[s].stay
                         : chance(&g->r, stay_pm[g->pl[c->cur].type]);
        if (c->stay) {
            cnt[c->cur]++;
            pair[c->cur] |= s >= 0;
        }
    }
    for (int i = g->n - 1; i >= 0; i--) {
        child *c = &g->ch[i];
        if (!c->stay)
            continue;
        const place *p = &g->pl[c->cur];
        if (p->sib > 0 && !pair[c->cur] && cnt[c->cur] > p->cap - p->sib) {
            c->stay = false;
            cnt[c->cur]--;
        }
    }
    free(cnt);
    free(pair);
    return true;
}

/* Care-plan type restrictions, always including the current type: many
 * under-12s family-based only (never a residential-only plan); some
 * 16-17s semi-independence or family; some 12+ in homes residential only. */
static void add_types(gen *g, child *c)
{
    int cur = c->cur >= 0 ? g->pl[c->cur].type : T_NONE;
    unsigned ct = cur == T_NONE ? 0 : TM(cur);
    if (c->age < 12 && (cur == T_NONE || (ct & FAMILY_TYPES))) {
        if (chance(&g->r, 400))
            c->types = FAMILY_TYPES;
    } else if (c->age >= 16 && (ct & SEMI_TYPES)) {
        if (chance(&g->r, 300))
            c->types = SEMI_TYPES;
    } else if (c->age >= 16 && (ct & FAMILY_TYPES)) {
        if (chance(&g->r, 200))
            c->types = FAMILY_TYPES | SEMI_TYPES;
    } else if ((ct & RESI_TYPES) && c->age >= 12) {
        if (chance(&g->r, 250))
            c->types = RESI_TYPES;
    }
}

/* A distance limit for about 12% (school, contact): at least a mile more
 * than the current placement's distance. */
static void add_max_miles(gen *g, child *c)
{
    static const int opts[6] = {10, 15, 20, 25, 30, 50};
    if (!chance(&g->r, 120))
        return;
    int64_t d = c->cur >= 0 ? dist_mm(c->home, g->pl[c->cur].at) : 0;
    for (int k = (int)below(&g->r, 6); k < 6; k++)
        if ((int64_t)opts[k] * 1000 >= d + 1000) {
            c->max_miles = opts[k];
            return;
        }
}

static bool avoids(const child *a, int b)
{
    for (int i = 0; i < a->navoid; i++)
        if (a->avoid[i] == b)
            return true;
    return false;
}

/* About 2% of children in an avoid pair: peers in the same council, not
 * siblings, not currently together (so pinned children never conflict).
 * A pool's children are contiguous: first..last. */
static void add_avoid_pair(gen *g, int ai, int first, int last)
{
    child *a = &g->ch[ai];
    for (int tries = 0; tries < 40 && a->navoid < 2; tries++) {
        int bi = uni(&g->r, first, last);
        const child *b = &g->ch[bi];
        if (bi == ai || abs(b->age - a->age) > 3)
            continue;
        if ((a->group >= 0 && b->group == a->group) ||
            (a->cur >= 0 && b->cur == a->cur))
            continue;
        if (avoids(a, bi) || avoids(b, ai))
            continue;
        a->avoid[a->navoid++] = bi;
        return;
    }
}

static void add_avoids(gen *g)
{
    int pairs = g->n / 100;
    for (int k = 0; k < pairs; k++) {
        int ai = (int)below(&g->r, (uint32_t)g->n), first = ai, last = ai;
        while (first > 0 && g->ch[first - 1].pool == g->ch[ai].pool)
            first--;
        while (last + 1 < g->n && g->ch[last + 1].pool == g->ch[ai].pool)
            last++;
        add_avoid_pair(g, ai, first, last);
    }
}

/* ------------------------------------------------------------------ */
/* JSON                                                               */
/* ------------------------------------------------------------------ */

static int digits(int n)
{
    int d = 1;
    while (n >= 10) {
        n /= 10;
        d++;
    }
    return d;
}

typedef struct ids {
    int *num;       /* per placement: number within its type */
    int width[NTYPE];
    int cwidth, gwidth;
} ids;

/* "<prefix><num zero-padded to width>" into out (>= 16 bytes); num is
 * below 10^7 and width at most 7, so it always fits. */
static void format_id(char *out, char prefix, int width, int num)
{
    char digs[12];
    int nd = 0;
    do {
        digs[nd++] = (char)('0' + num % 10);
        num /= 10;
    } while (num > 0 && nd < 11);
    int k = 0;
    out[k++] = prefix;
    for (int i = nd; i < width && k < 8; i++)
        out[k++] = '0';
    while (nd > 0)
        out[k++] = digs[--nd];
    out[k] = '\0';
}

static void place_id(const gen *g, const ids *id, int pi, char *out)
{
    int t = g->pl[pi].type;
    format_id(out, type_prefix[t], id->width[t], id->num[pi]);
}

static void child_id(const ids *id, int ci, char *out)
{
    format_id(out, 'C', id->cwidth, ci + 1);
}

static void write_geo(pm_jw *w, const char *key, geo at)
{
    pm_jw_key(w, key);
    pm_jw_begin_object(w);
    pm_jw_key(w, "lat");
    pm_jw_number(w, at.lat / 100000.0, 5);
    pm_jw_key(w, "lon");
    pm_jw_number(w, at.lon / 100000.0, 5);
    pm_jw_end_object(w);
}

static void write_levels(pm_jw *w, const char *key, const uint8_t *lv)
{
    pm_jw_key(w, key);
    pm_jw_begin_object(w);
    for (int n = 0; n < NNEED; n++)
        if (lv[n] > 0) {
            pm_jw_key(w, need_name[n]);
            pm_jw_int(w, lv[n]);
        }
    pm_jw_end_object(w);
}

static void write_types(pm_jw *w, unsigned mask)
{
    pm_jw_key(w, "types");
    pm_jw_begin_array(w);
    for (int t = 0; t < NTYPE; t++)
        if (mask & TM(t))
            pm_jw_string(w, type_name[t]);
    pm_jw_end_array(w);
}

static void write_place(pm_jw *w, const gen *g, const ids *id, int pi)
{
    const place *p = &g->pl[pi];
    char buf[32];
    pm_jw_begin_object(w);
    place_id(g, id, pi, buf);
    pm_jw_key(w, "id");
    pm_jw_string(w, buf);
    pm_jw_key(w, "type");
    pm_jw_string(w, type_name[p->type]);
    write_geo(w, "location", p->at);
    pm_jw_key(w, "capacity");
    pm_jw_int(w, p->cap);
    if (p->sib > 0) {
        pm_jw_key(w, "sibling_only");
        pm_jw_int(w, p->sib);
    }
    pm_jw_key(w, "age_min");
    pm_jw_int(w, p->age_min);
    pm_jw_key(w, "age_max");
    pm_jw_int(w, p->age_max);
    if (p->sexes != 3) {
        pm_jw_key(w, "sexes");
        pm_jw_begin_array(w);
        pm_jw_string(w, p->sexes == 1 ? "F" : "M");
        pm_jw_end_array(w);
    }
    write_levels(w, "supports", p->sup);
    pm_jw_key(w, "weekly_cost");
    pm_jw_int(w, p->cost);
    if (p->res_n > 0) {
        pm_jw_key(w, "reserved_for");
        pm_jw_begin_array(w);
        for (int i = 0; i < p->res_n; i++) {
            child_id(id, g->res[p->res_start + i], buf);
            pm_jw_string(w, buf);
        }
        pm_jw_end_array(w);
    }
    pm_jw_end_object(w);
}

static void write_child(pm_jw *w, const gen *g, const ids *id, int ci)
{
    const child *c = &g->ch[ci];
    char buf[32];
    pm_jw_begin_object(w);
    child_id(id, ci, buf);
    pm_jw_key(w, "id");
    pm_jw_string(w, buf);
    pm_jw_key(w, "age");
    pm_jw_int(w, c->age);
    pm_jw_key(w, "sex");
    pm_jw_string(w, c->sex == 'F' ? "F" : "M");
    write_geo(w, "home", c->home);
    write_levels(w, "needs", c->need);
    if (c->group >= 0) {
        format_id(buf, 'G', id->gwidth, c->group + 1);
        pm_jw_key(w, "sibling_group");
        pm_jw_string(w, buf);
    }
    if (c->types)
        write_types(w, c->types);
    if (c->max_miles > 0) {
        pm_jw_key(w, "max_miles");
        pm_jw_int(w, c->max_miles);
    }
    if (c->cur >= 0) {
        place_id(g, id, c->cur, buf);
        pm_jw_key(w, "current");
        pm_jw_string(w, buf);
        if (c->stay) {
            pm_jw_key(w, "stay");
            pm_jw_bool(w, true);
        }
    }
    if (c->navoid > 0) {
        pm_jw_key(w, "avoid");
        pm_jw_begin_array(w);
        for (int i = 0; i < c->navoid; i++) {
            child_id(id, c->avoid[i], buf);
            pm_jw_string(w, buf);
        }
        pm_jw_end_array(w);
    }
    pm_jw_end_object(w);
}

/* Policy (MODEL.md terms; values documented in docs/GENERATOR.md). */
static void write_policy(pm_jw *w)
{
    static const struct {
        const char *key;
        int value;
    } pol[] = {{"far_miles", 20},         {"cost_per_mile_week", 2},
               {"far_penalty_week", 250}, {"sibling_split_week", 400},
               {"move_week", 300},        {"unmatched_week", 10000},
               {"road_factor", 1}};
    pm_jw_key(w, "policy");
    pm_jw_begin_object(w);
    for (size_t i = 0; i < sizeof pol / sizeof pol[0]; i++) {
        pm_jw_key(w, pol[i].key);
        pm_jw_int(w, pol[i].value);
    }
    pm_jw_end_object(w);
}

static void write_header(pm_jw *w, const gen *g)
{
    char name[160];
    snprintf(name, sizeof name, "%s (synthetic, seed %llu, %s)", g->pf->title,
             g->seed, variant_name[g->variant]);
    pm_jw_key(w, "format");
    pm_jw_string(w, "placematch-scenario/1");
    pm_jw_key(w, "name");
    pm_jw_string(w, name);
    pm_jw_key(w, "meta");
    pm_jw_begin_object(w);
    pm_jw_key(w, "source");
    pm_jw_string(w, "synthetic");
    pm_jw_key(w, "generator");
    pm_jw_string(w, "placematch");
    pm_jw_key(w, "profile");
    pm_jw_string(w, g->pf->name);
    pm_jw_key(w, "variant");
    pm_jw_string(w, variant_name[g->variant]);
    pm_jw_key(w, "seed");
    if (g->seed <= 9007199254740991ULL) { /* exact in every JSON reader */
        pm_jw_int(w, (long long)g->seed);
    } else {
        snprintf(name, sizeof name, "%llu", g->seed);
        pm_jw_string(w, name);
    }
    pm_jw_key(w, "children");
    pm_jw_int(w, g->n);
    pm_jw_end_object(w);
    write_policy(w);
}

/* Numbers each placement within its type, in array order. */
static bool number_ids(const gen *g, ids *id)
{
    int count[NTYPE] = {0};
    id->num = malloc((size_t)(g->npl > 0 ? g->npl : 1) * sizeof *id->num);
    if (!id->num)
        return false;
    for (int i = 0; i < g->npl; i++)
        id->num[i] = ++count[g->pl[i].type];
    for (int t = 0; t < NTYPE; t++)
        id->width[t] = digits(count[t]) > 3 ? digits(count[t]) : 3;
    id->cwidth = digits(g->n) > 4 ? digits(g->n) : 4;
    id->gwidth = digits(g->ngroups) > 3 ? digits(g->ngroups) : 3;
    return true;
}

static char *write_json(const gen *g)
{
    ids id;
    if (!number_ids(g, &id))
        return NULL;
    pm_jw w;
    pm_jw_init(&w, 2);
    pm_jw_begin_object(&w);
    write_header(&w, g);
    pm_jw_key(&w, "placements");
    pm_jw_begin_array(&w);
    for (int t = 0; t < NTYPE; t++)
        for (int i = 0; i < g->npl; i++)
            if (g->pl[i].type == t)
                write_place(&w, g, &id, i);
    pm_jw_end_array(&w);
    pm_jw_key(&w, "children");
    pm_jw_begin_array(&w);
    for (int i = 0; i < g->n; i++)
        write_child(&w, g, &id, i);
    pm_jw_end_array(&w);
    pm_jw_end_object(&w);
    free(id.num);
    return pm_jw_finish(&w, NULL);
}

/* ------------------------------------------------------------------ */
/* Public API                                                         */
/* ------------------------------------------------------------------ */

void pm_generate_options_init(pm_generate_options *opts)
{
    if (!opts)
        return;
    opts->profile = "stockton-2023";
    opts->seed = 1;
    opts->children = 0;
    opts->variant = NULL;
}

const char *const *pm_generate_profiles(void) { return profile_names; }

static uint64_t fnv1a(const char *s)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
    return h;
}

/* Resolves and checks the options into g (profile, variant, sizes). */
static pm_status setup(gen *g, const pm_generate_options *o, pm_error *err)
{
    const char *pname = o->profile ? o->profile : "stockton-2023";
    for (int i = 0; i < NPROFILE && !g->pf; i++)
        if (strcmp(pname, profiles[i].name) == 0)
            g->pf = &profiles[i];
    if (!g->pf)
        return pm_err_add(err, PM_ERR_ARG, NULL, "profile",
                          "unknown profile '%.64s' (known: stockton-2023, "
                          "middlesbrough-2020, regional, national)", pname);
    g->variant = -1;
    const char *vname = o->variant ? o->variant : "base";
    for (int i = 0; i < NVARIANT; i++)
        if (strcmp(vname, variant_name[i]) == 0)
            g->variant = i;
    if (g->variant < 0)
        return pm_err_add(err, PM_ERR_ARG, NULL, "variant",
                          "unknown variant '%.64s' (known: base, growth, "
                          "older, siblings)", vname);
    if (o->children < 0 || o->children > MAX_CHILDREN)
        return pm_err_add(err, PM_ERR_LIMIT, NULL, "children",
                          "%d is out of range 1..%d (0 = the profile's size)",
                          o->children, MAX_CHILDREN);
    g->n0 = o->children ? o->children : g->pf->default_n;
    g->n = g->variant == V_GROWTH ? (g->n0 * 6 + 2) / 5 : g->n0;
    if (g->n > MAX_CHILDREN)
        return pm_err_add(err, PM_ERR_LIMIT, NULL, "children",
                          "%d children after growth exceeds %d", g->n,
                          MAX_CHILDREN);
    g->seed = o->seed;
    return PM_OK;
}

/* Supply comes from its own random stream, which does not depend on the
 * variant: for one (profile, seed, children) every variant has the same
 * non-kin placements (same ids), so commissioning levers can name them and
 * a mix is compared across demand cohorts on one estate. */
static bool build(gen *g)
{
    uint64_t ph = fnv1a(g->pf->name);
    if (!setup_world(g))
        return false;
    rng_init(&g->r, g->seed, ph, (uint64_t)g->n0, 0x5355505059ULL);
    if (!gen_supply(g))
        return false;
    rng_init(&g->r, g->seed, ph, (uint64_t)g->n0 * 8 + (uint64_t)g->variant,
             0x4348494c44ULL);
    if (!gen_children(g) || !assign_all(g) || !extra_kin(g) ||
        !choose_stay(g))
        return false;
    for (int i = 0; i < g->n; i++) {
        add_types(g, &g->ch[i]);
        add_max_miles(g, &g->ch[i]);
    }
    add_avoids(g);
    return true;
}

pm_status pm_generate(const pm_generate_options *opts, char **json,
                      pm_error *err)
{
    if (!json)
        return pm_err_add(err, PM_ERR_ARG, NULL, NULL,
                          "pm_generate: json must not be NULL");
    *json = NULL;
    pm_generate_options defaults;
    pm_generate_options_init(&defaults);
    gen g;
    memset(&g, 0, sizeof g);
    pm_status st = setup(&g, opts ? opts : &defaults, err);
    if (st != PM_OK)
        return st;
    char *out = build(&g) ? write_json(&g) : NULL;
    gen_free(&g);
    if (!out)
        return pm_err_add(err, PM_ERR_NOMEM, NULL, NULL,
                          "out of memory while generating a scenario");
    *json = out;
    return PM_OK;
}
