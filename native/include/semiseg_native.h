// The C ABI of libsemiseg_native: a thin layer over libtorch for the C# binding.
//
// Conventions
// - Every function catches every C++ exception. On failure it stores the message in a
//   thread-local slot and returns NULL, -1 or false as documented; the caller reads the
//   message with ss_last_error() and throws.
// - A tensor crosses the ABI as an owned `ss_tensor` (a heap-allocated at::Tensor). Every
//   function that returns one transfers ownership; release it with ss_tensor_free.
// - Operators are reached by schema name through libtorch's dispatcher (ss_op_find /
//   ss_op_call) with boxed arguments, so the binding needs no C function per operator.
#pragma once
#include <stdint.h>
#include <stdbool.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SS_API __attribute__((visibility("default")))

typedef struct ss_tensor_impl* ss_tensor;
typedef struct ss_op_impl* ss_op;
typedef struct ss_value_impl* ss_value;        // a generic libtorch IValue (for files)
typedef struct ss_generator_impl* ss_generator;

// ---- errors -----------------------------------------------------------------------
SS_API const char* ss_last_error(void);         // NULL when the last call succeeded
SS_API void ss_clear_error(void);

// ---- runtime ----------------------------------------------------------------------
SS_API int ss_get_num_threads(void);
SS_API bool ss_set_num_threads(int n);
SS_API bool ss_set_num_interop_threads(int n);
SS_API bool ss_is_grad_enabled(void);
SS_API void ss_set_grad_enabled(bool enabled);
SS_API bool ss_cuda_is_available(void);
SS_API int ss_cuda_device_count(void);
SS_API const char* ss_torch_version(void);
SS_API void ss_free(void* p);                   // frees buffers this library malloc'd
SS_API int64_t ss_live_tensors(void);           // tensor handles not yet freed

// ---- autocast (torch.autocast) ------------------------------------------------------
// Thread-local, per device type (0 CPU, 1 CUDA). dtype is 5 (float16) or 15 (bfloat16).
// A scope is: save enabled, dtype and cache flag; set them; increment the nesting. On exit:
// decrement it, clear the cast cache when it returns to 0, restore the saved values.
SS_API int ss_autocast_is_enabled(int device_type);              // 1, 0 or -1 on error
SS_API bool ss_autocast_set_enabled(int device_type, bool enabled);
SS_API int ss_autocast_get_dtype(int device_type);               // -1 on error
SS_API bool ss_autocast_set_dtype(int device_type, int dtype);
SS_API bool ss_autocast_is_cache_enabled(void);
SS_API void ss_autocast_set_cache_enabled(bool enabled);
SS_API int ss_autocast_increment_nesting(void);                  // the new nesting, -1 on error
SS_API int ss_autocast_decrement_nesting(void);                  // the new nesting, -1 on error
SS_API bool ss_autocast_clear_cache(void);

// ---- tensors ----------------------------------------------------------------------
// dtype codes are c10::ScalarType values (0 uint8, 1 int8, 2 int16, 3 int32, 4 int64,
// 5 float16, 6 float32, 7 float64, 11 bool, 15 bfloat16). device_type is c10::DeviceType
// (0 CPU, 1 CUDA).
SS_API ss_tensor ss_tensor_from_data(const void* data, int dtype, const int64_t* shape, int ndim,
                                     int device_type, int device_index);
SS_API bool ss_tensor_copy_data(ss_tensor t, void* dst, int64_t nbytes);
SS_API void ss_tensor_free(ss_tensor t);
SS_API ss_tensor ss_tensor_alias(ss_tensor t);  // a second handle to the same tensor
SS_API int ss_tensor_dtype(ss_tensor t);
SS_API int ss_tensor_ndim(ss_tensor t);
SS_API bool ss_tensor_shape(ss_tensor t, int64_t* out);
SS_API int64_t ss_tensor_numel(ss_tensor t);
SS_API int ss_tensor_device_type(ss_tensor t);
SS_API int ss_tensor_device_index(ss_tensor t);
SS_API bool ss_tensor_item(ss_tensor t, double* out);
SS_API bool ss_tensor_item_int(ss_tensor t, int64_t* out);
SS_API int ss_tensor_requires_grad(ss_tensor t);          // 1, 0 or -1 on error
SS_API bool ss_tensor_set_requires_grad(ss_tensor t, bool requires_grad);
SS_API int ss_tensor_is_leaf(ss_tensor t);
SS_API ss_tensor ss_tensor_grad(ss_tensor t);               // NULL with no error when undefined
SS_API bool ss_tensor_set_grad(ss_tensor t, ss_tensor grad); // grad NULL clears it
SS_API bool ss_tensor_backward(ss_tensor t, ss_tensor grad, bool retain_graph, bool create_graph);
SS_API bool ss_tensor_same(ss_tensor a, ss_tensor b);       // same TensorImpl

// ---- operators through the dispatcher ------------------------------------------------
enum ss_kind {
  SS_NONE = 0, SS_TENSOR = 1, SS_INT = 2, SS_DOUBLE = 3, SS_BOOL = 4, SS_INT_LIST = 5,
  SS_DOUBLE_LIST = 6, SS_TENSOR_LIST = 7, SS_STRING = 8, SS_GENERATOR = 9, SS_DEVICE = 10,
  SS_LIST_HEADER = 11, SS_BOOL_LIST = 12
};

typedef struct ss_arg {
  const char* name;   // NULL for a positional argument, else the schema's argument name
  int32_t kind;       // ss_kind
  int32_t device_index;
  int64_t i;          // INT, BOOL, DEVICE (type); list length for *_LIST
  double d;           // DOUBLE
  const void* p;      // TENSOR (ss_tensor), GENERATOR, STRING (char*), lists (array)
} ss_arg;

// One value returned by an operator. A returned list is an SS_LIST_HEADER whose i is the
// element count, followed by that many values.
typedef struct ss_result {
  int32_t kind;
  int32_t pad;
  int64_t i;
  double d;
  void* p;
} ss_result;

SS_API ss_op ss_op_find(const char* name, const char* overload);   // overload "" for default
SS_API const char* ss_op_schema(ss_op op);                         // for messages; owned by op
SS_API ss_result* ss_op_call(ss_op op, const ss_arg* args, int nargs, int* nresults);

// ---- generic values (state dicts and checkpoints) -----------------------------------
enum ss_value_kind {
  SS_V_NONE = 0, SS_V_TENSOR = 1, SS_V_INT = 2, SS_V_DOUBLE = 3, SS_V_BOOL = 4, SS_V_STRING = 5,
  SS_V_DICT = 6, SS_V_LIST = 7, SS_V_TUPLE = 8, SS_V_OTHER = 9
};
SS_API ss_value ss_value_none(void);
SS_API ss_value ss_value_tensor(ss_tensor t);
SS_API ss_value ss_value_int(int64_t v);
SS_API ss_value ss_value_double(double v);
SS_API ss_value ss_value_bool(bool v);
SS_API ss_value ss_value_string(const char* s);
SS_API ss_value ss_value_dict(void);                                  // str keys
SS_API bool ss_value_dict_set(ss_value dict, const char* key, ss_value v);
SS_API ss_value ss_value_int_dict(void);                              // int keys (optimizer state)
SS_API bool ss_value_dict_set_int(ss_value dict, int64_t key, ss_value v);
SS_API ss_value ss_value_list(void);                                  // generic list
SS_API bool ss_value_list_append(ss_value list, ss_value v);
SS_API void ss_value_free(ss_value v);
SS_API int ss_value_kind(ss_value v);
SS_API const char* ss_value_type_name(ss_value v);                    // malloc'd, ss_free
SS_API int64_t ss_value_size(ss_value v);                             // dict / list / tuple
SS_API char* ss_value_dict_key(ss_value v, int64_t index);            // malloc'd, ss_free; NULL for non-str
SS_API ss_value ss_value_at(ss_value v, int64_t index);               // dict value / list item
SS_API ss_value ss_value_dict_key_at(ss_value v, int64_t index);      // a dict's key as a value (str or int)
SS_API ss_tensor ss_value_to_tensor(ss_value v);
SS_API bool ss_value_to_int(ss_value v, int64_t* out);
SS_API bool ss_value_to_double(ss_value v, double* out);
SS_API bool ss_value_to_bool(ss_value v, bool* out);
SS_API char* ss_value_to_string(ss_value v);                          // malloc'd, ss_free

// ---- PyTorch files (torch.save / torch.load zip format) --------------------------------
SS_API bool ss_save(ss_value v, const char* path);
SS_API ss_value ss_load(const char* path);

// ---- random generators ---------------------------------------------------------------
SS_API ss_generator ss_generator_new(uint64_t seed, int device_type);
SS_API ss_generator ss_generator_default(int device_type);
SS_API void ss_generator_free(ss_generator g);
SS_API bool ss_generator_set_seed(ss_generator g, uint64_t seed);
SS_API ss_tensor ss_generator_get_state(ss_generator g);
SS_API bool ss_generator_set_state(ss_generator g, ss_tensor state);
SS_API bool ss_manual_seed(uint64_t seed);

// ---- image files (OpenCV) ------------------------------------------------------------
// mode: 0 colour as RGB, 1 grayscale, 2 unchanged (palette PNGs are expanded by OpenCV).
// On success *data is a malloc'd HxWxC uint8 buffer (free with ss_free).
SS_API bool ss_image_read(const char* path, int mode, uint8_t** data, int* height, int* width, int* channels);
// Writes an HxWxC uint8 buffer (C = 1 or 3, RGB order); the format follows the extension.
SS_API bool ss_image_write(const char* path, const uint8_t* data, int height, int width, int channels);
// Resizes an HxWxC uint8 buffer; interpolation 0 nearest, 1 bilinear. dst must hold nh*nw*c.
SS_API bool ss_image_resize(const uint8_t* src, int height, int width, int channels,
                            uint8_t* dst, int new_height, int new_width, int interpolation);

// ---- distributed training (libtorch's c10d) --------------------------------------------
// A process group: rendezvous through a TCPStore at master_addr:master_port (hosted by rank 0,
// or by torchrun's agent when agent_hosts_store), keys under store_prefix; backend "gloo" or
// "nccl" (only in a build against a CUDA libtorch, see ss_nccl_available). timeout_ms bounds
// the rendezvous and every collective: a lost or hung peer becomes an error, never a hang.
typedef struct ss_process_group_impl* ss_process_group;
typedef struct ss_reducer_impl* ss_reducer;
SS_API bool ss_nccl_available(void);
SS_API ss_process_group ss_pg_new(const char* backend, const char* master_addr, int master_port, int world_size,
                                  int rank, bool agent_hosts_store, const char* store_prefix, int64_t timeout_ms);
SS_API void ss_pg_free(ss_process_group g);
SS_API int ss_pg_rank(ss_process_group g);                       // -1 on error
SS_API int ss_pg_size(ss_process_group g);                       // -1 on error
// In place; op 0 sum, 1 product, 2 min, 3 max.
SS_API bool ss_pg_all_reduce(ss_process_group g, ss_tensor t, int op);
SS_API bool ss_pg_broadcast(ss_process_group g, ss_tensor t, int root);
// Several tensors at once, flattened into buffers of at most buffer_bytes (DDP's start-up sync).
SS_API bool ss_pg_broadcast_coalesced(ss_process_group g, const ss_tensor* tensors, int n, int root, int64_t buffer_bytes);
// Every rank's t concatenated along dim 0 in rank order; dim 0 may differ between ranks.
SS_API ss_tensor ss_pg_all_gather(ss_process_group g, ss_tensor t);
SS_API bool ss_pg_barrier(ss_process_group g);

// c10d::Reducer (DDP's bucketed gradient all-reduce, averaged over the ranks). params: the
// trained parameters, in the same order on every rank. Per step: prepare_for_forward before the
// forward pass, prepare_for_backward with the loss (or outputs) before backward.
SS_API ss_reducer ss_reducer_new(ss_process_group g, const ss_tensor* params, int n, int64_t bucket_bytes_cap,
                                 bool find_unused_parameters);
SS_API bool ss_reducer_prepare_for_forward(ss_reducer r);
SS_API bool ss_reducer_prepare_for_backward(ss_reducer r, const ss_tensor* outputs, int n);
SS_API void ss_reducer_free(ss_reducer r);

// Batch norm in training over the batch parts of all ranks (torch.nn.SyncBatchNorm); updates
// the running statistics (either may be NULL). The group must outlive the backward pass.
SS_API ss_tensor ss_sync_batch_norm(ss_process_group g, ss_tensor input, ss_tensor weight, ss_tensor bias,
                                    ss_tensor running_mean, ss_tensor running_var, double momentum, double eps);

#ifdef __cplusplus
}
#endif
