// `ptmon user` with contacts: checked where they are typed, kept with the account, and turned
// into Alertmanager's routes by owner (`export-alertmanager`) that amtool accepts.
#include <gtest/gtest.h>

#include "support/process.h"

namespace ptmon {
namespace {

using namespace testing_support;

class UserContactsTest : public testing::Test {
 protected:
  ProcessResult User(std::vector<std::string> args) const {
    args.insert(args.begin(), "user");
    args.insert(args.end(), {"--data-dir", dir_ / "data"});
    return RunPtmon(args);
  }
  ProcessResult Add(const std::string& name, std::vector<std::string> options) const {
    std::vector<std::string> args = {"add", name, "--password-file",
                                     dir_.Write("password", "correct horse 2026\n")};
    args.insert(args.end(), options.begin(), options.end());
    return User(args);
  }
  TempDir dir_;
};

TEST_F(UserContactsTest, AMalformedContactIsRefusedByNameAndNothingIsAdded) {
  const ProcessResult refused = Add("lijun", {"--role", "manager", "--email", "lijun at sxsi"});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_NE(refused.err.find("邮箱「lijun at sxsi」不是有效的电子邮件地址"), std::string::npos)
      << refused.err;
  EXPECT_NE(refused.err.find("--email: not an e-mail address"), std::string::npos);
  EXPECT_EQ(User({"list"}).out, "");
  EXPECT_EQ(Add("lijun", {"--role", "manager", "--phone", "138-0000-abcd"}).exit_code, 1);
  EXPECT_EQ(Add("lijun", {"--role", "manager", "--wecom", "李军"}).exit_code, 1);
}

TEST_F(UserContactsTest, EditChangesOnlyTheContactsGivenAndIsAudited) {
  ASSERT_EQ(Add("lijun", {"--role", "manager", "--email", "lijun@sxsi.example.gov.cn"}).exit_code,
            0);
  const ProcessResult edited =
      User({"edit", "lijun", "--wecom", "LiJun", "--phone", "+86 351 1234567"});
  ASSERT_EQ(edited.exit_code, 0) << edited.err;
  EXPECT_EQ(User({"list"}).out,
            "lijun\tmanager\tactive\t\temail=lijun@sxsi.example.gov.cn phone=+86 351 1234567 "
            "wecom=LiJun\n");
  const ProcessResult refused = User({"edit", "lijun", "--email", "lijun@localhost"});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_NE(refused.err.find("nothing was changed"), std::string::npos) << refused.err;
  EXPECT_NE(User({"list"}).out.find("email=lijun@sxsi.example.gov.cn"), std::string::npos);
  EXPECT_EQ(User({"edit", "lijun", "--email", ""}).exit_code, 0);  // cleared
  EXPECT_EQ(User({"list"}).out, "lijun\tmanager\tactive\t\tphone=+86 351 1234567 wecom=LiJun\n");
  EXPECT_EQ(User({"edit", "nobody", "--email", "a@b.cn"}).exit_code, 1);
}

TEST_F(UserContactsTest, TheExportedRoutesReachEachManagerWithContactsAndAmtoolAcceptsThem) {
  ASSERT_EQ(Add("lijun",
                {"--role", "manager", "--email", "lijun@sxsi.example.gov.cn", "--wecom", "LiJun"})
                .exit_code,
            0);
  ASSERT_EQ(Add("wang'fang", {"--role", "manager", "--wecom", "WangFang"}).exit_code, 0);
  ASSERT_EQ(Add("silent", {"--role", "manager"}).exit_code, 0);
  ASSERT_EQ(Add("zhao", {"--role", "viewer", "--email", "zhao@example.gov.cn"}).exit_code, 0);
  const std::string shipped =
      std::string(PTMON_SOURCE_DIR) + "/deploy/alertmanager/alertmanager.yml";
  const ProcessResult exported =
      User({"export-alertmanager", "--template", shipped, "--webhook-url",
            "http://127.0.0.1:8060/dingtalk/ptmon/send?at={phone}&wecom={wecom}"});
  ASSERT_EQ(exported.exit_code, 0) << exported.err;
  // The webhook names a phone, which nobody gave: only e-mail is left, for lijun.
  EXPECT_NE(exported.out.find("        - matchers: ['owner=\"lijun\"']\n"
                              "          receiver: 'ptmon-owner-lijun'\n"),
            std::string::npos)
      << exported.out;
  EXPECT_NE(exported.out.find("  - name: 'ptmon-owner-lijun'\n    email_configs:\n"
                              "      - to: 'lijun@sxsi.example.gov.cn'\n"),
            std::string::npos)
      << exported.out;
  EXPECT_EQ(exported.out.find("wang"), std::string::npos) << "no contact the webhook can use";
  EXPECT_EQ(exported.out.find("zhao"), std::string::npos) << "a viewer owns no project";
  EXPECT_NE(exported.err.find("silent has no contact to send to"), std::string::npos)
      << exported.err;
  const std::string config = dir_.Write("alertmanager.yml", exported.out);
  const ProcessResult checked = RunProcess({"amtool", "check-config", config});
  EXPECT_EQ(checked.exit_code, 0) << checked.out << checked.err;

  // By WeCom id, through Alertmanager's WeCom app and a bridge, with a quote in a name: the
  // matcher and YAML escape it.
  const ProcessResult wecom = User({"export-alertmanager", "--wecom-app", "--webhook-url",
                                    "http://127.0.0.1:8060/wecom?user={wecom}"});
  ASSERT_EQ(wecom.exit_code, 0) << wecom.err;
  EXPECT_NE(wecom.out.find("  - matchers: ['owner=\"wang''fang\"']\n"), std::string::npos)
      << wecom.out;
  EXPECT_NE(wecom.out.find("      - url: 'http://127.0.0.1:8060/wecom?user=WangFang'\n"),
            std::string::npos)
      << wecom.out;
  EXPECT_NE(wecom.out.find("    wechat_configs:\n      - to_user: 'LiJun'\n"), std::string::npos)
      << wecom.out;
  const ProcessResult no_marker = User({"export-alertmanager", "--template", config + ".none"});
  EXPECT_NE(no_marker.exit_code, 0);
}

}  // namespace
}  // namespace ptmon
