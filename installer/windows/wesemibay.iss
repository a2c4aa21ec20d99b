; Inno Setup 6 script for WeSemiBay Explorer (Windows installer).
; Built on Windows by `python installer\build.py`, which runs PyInstaller first and then:
;   iscc /DAppVersion=<pyproject version> /DSourceDir=<dist\wesemibay-explorer> /DOutputDir=<dist> installer\windows\wesemibay.iss
; By hand, after `pyinstaller --noconfirm build.spec`, from the repository root:
;   iscc /DAppVersion=0.1.0 installer\windows\wesemibay.iss
; The bundle (the same build.spec as Linux and macOS) carries the seed data, the assets and
; the Chinese font (assets\fonts, with its OFL.txt); this script installs it whole.
; Not built or tested on Windows yet (docs/packaging.md).
; The program goes to Program Files (or the user's own programs folder when installed
; without administrator rights); notes, favourites and settings live in %APPDATA%\wesemibay-explorer
; and are left in place on uninstall.

#ifndef AppVersion
  #error Pass the version: iscc /DAppVersion=X.Y.Z (installer\build.py reads it from pyproject.toml)
#endif
#ifndef SourceDir
  #define SourceDir "..\..\dist\wesemibay-explorer"
#endif
#ifndef OutputDir
  #define OutputDir "..\..\dist"
#endif
#define AppName "WeSemiBay Explorer"
#define AppExe "wesemibay.exe"

[Setup]
; A fixed id: upgrades replace the earlier version instead of installing beside it.
AppId={{6E0B6C1A-4C2F-4D1E-9B61-57A9E3C0B5A1}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=WeSemiBay Explorer developers
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir={#OutputDir}
OutputBaseFilename=WeSemiBay-Explorer-{#AppVersion}-setup
SetupIconFile=..\..\assets\icons\wesemibay.ico
UninstallDisplayIcon={app}\{#AppExe}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"
Name: "german"; MessagesFile: "compiler:Languages\German.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
Source: "{#SourceDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent
