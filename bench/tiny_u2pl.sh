# Sourced by bench/kill_test.sh and bench/run_memory.sh: the tiny U2PL run they both start (a width-8
# ResNet-18 with 16-channel heads on 32x32 scenes, batch 2 + 2, memory bank on), so the two measure the
# same thing. The training tests' twin is tests/SemiSeg.Tests/Training/TinyFashionRun.cs.
#   tiny_u2pl_config FILE DATA_ROOT LABELLED_LIST EPOCHS STEPS_PER_EPOCH QUEUE BACKGROUND_QUEUE [TRAINER_LINES]
# TRAINER_LINES: more trainer keys, each line indented by two spaces.
tiny_u2pl_config() {
  local file=$1 data=$2 list=$3 epochs=$4 steps=$5 queue=$6 background=$7 more=${8:-}
  cat > "$file" <<EOF
method: u2pl
seed: 3
threads: 1
dataset:
  type: fashion_scenes
  train:
    data_root: $data
    data_list: $list
    flip: True
    rand_resize: [0.75, 1.5]
    crop: {type: rand, size: [32, 32]}
  val:
    data_root: $data
    data_list: $data/splits/val.txt
    mode: full
    batch_size: 4
  batch_size: 2
  workers: 1
trainer:
  epochs: $epochs
  sup_only_epoch: 1
  max_steps_per_epoch: $steps
${more}  optimizer: {kwargs: {lr: 0.01}}
  unsupervised: {drop_percent: 80, apply_aug: cutmix}
  contrastive: {num_queries: 8, num_negatives: 4, queue_size: $queue, background_queue_size: $background}
net:
  num_classes: 11
  encoder: {type: resnet18, kwargs: {width: 8}}
  decoder: {type: dec_deeplabv3_plus, kwargs: {inner_planes: 16, head_planes: 16, rep_planes: 16, dilations: [1, 2, 3]}}
EOF
}
